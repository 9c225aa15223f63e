using System.Diagnostics;
using Hass.Abstractions;
using Hass.Cli;
using Hass.Engine.Storage;

namespace Hass.IntegrationTests;

/// <summary>
/// `hass run` (and `hass design`) as a real process with a real plugin folder whose components break their contract (Hass.TestPlugins.Misbehaving,
/// loaded next to the synthetic plugin): one `error:` line naming the component, the documented exit code, no stack trace, no
/// stray files, and a store without poisoned records.
/// </summary>
public class MisbehavingPluginTests
{
    internal static readonly TimeSpan Long = TimeSpan.FromSeconds(120);
    internal const string Plugin = "(plugin Hass.TestPlugins.Misbehaving)";
    internal static readonly string PluginFolder = Path.Combine(HassProcess.RepoRoot, "artifacts", "testplugins", "Hass.TestPlugins.Misbehaving");

    /// <summary>The synthetic campaign with <paramref name="backend"/> and <paramref name="strategy"/>, in a folder of its own (the working directory).</summary>
    internal static (string Dir, string Campaign, string[] Args) Setup(string backend, string strategy, string evaluator = "synthetic")
    {
        var dir = HassProcess.TempDir();
        var campaign = Path.Combine(dir, "c.json");
        File.WriteAllText(campaign, File.ReadAllText(HassProcess.SyntheticCampaign)
            .Replace("\"name\": \"toy\"", $"\"name\": \"{backend}\"").Replace("\"seeded-random\"", $"\"{strategy}\"")
            .Replace("\"model\": \"synthetic-cnn\",", $"\"model\": \"synthetic-cnn\", \"evaluator\": \"{evaluator}\","));
        string[] args = ["run", campaign, .. HassProcess.Common(Path.Combine(dir, "hass.db")), "--plugins", PluginFolder];
        return (dir, campaign, args);
    }

    /// <summary>The one `error:` line of stderr; there is no stack trace.</summary>
    internal static string ErrorLine(string err)
    {
        Assert.DoesNotContain("   at ", err);
        return Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error: ", StringComparison.Ordinal)).TrimEnd('\r');
    }

    internal static void OnlyTheStoreWasWritten(string dir) =>
        Assert.Equal(["c.json", "hass.db", "hass.db.lock"], Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Fact]
    public void A_backend_returning_infinite_throughput_fails_its_trials_exit_1_and_stores_no_design()
    {
        var (dir, _, args) = Setup("infinite-throughput", "seeded-random");
        var r = HassProcess.RunIn(dir, Long, args);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        var error = ErrorLine(r.Err);
        Assert.StartsWith("error: 5 trials failed in a row (maxConsecutiveFailures = 5); last error: backend 'infinite-throughput' " + Plugin +
                          " returned a design from Optimize with a throughput of Infinity images/s (it must be a finite number above 0)", error);
        Assert.DoesNotContain("Infinity img/s", r.Out);
        OnlyTheStoreWasWritten(dir);
        using var store = HassStore.Open(Path.Combine(dir, "hass.db"));
        var trials = store.Trials("synthetic");
        Assert.Equal(5, trials.Count);
        Assert.All(trials, t => Assert.True(t.State == TrialState.Failed && t.Design is null && t.Error!.StartsWith("backend 'infinite-throughput' " + Plugin, StringComparison.Ordinal)));
        Assert.Equal(CampaignStatus.Failed, store.GetCampaign("synthetic")!.Status);
    }

    [Fact]
    public void An_evaluator_returning_an_infinite_top1_fails_its_trials_exit_1_and_nothing_it_returned_is_stored_or_picked()
    {
        var (dir, _, args) = Setup("toy", "seeded-random", evaluator: "infinite-top1");
        var r = HassProcess.RunIn(dir, Long, args);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        Assert.StartsWith("error: 5 trials failed in a row (maxConsecutiveFailures = 5); last error: evaluator 'infinite-top1' " + Plugin +
                          " returned an evaluation with a top-1 of Infinity% (it must be a finite percentage in [0, 100])", ErrorLine(r.Err));
        Assert.DoesNotContain("best feasible", r.Out);
        OnlyTheStoreWasWritten(dir);
        using var store = HassStore.Open(Path.Combine(dir, "hass.db"));
        Assert.All(store.Trials("synthetic"), t => Assert.True(t.State == TrialState.Failed && t.Accuracy is null && t.Design is null
            && t.Error!.StartsWith("evaluator 'infinite-top1' " + Plugin, StringComparison.Ordinal)));
        Assert.Equal(5, store.Trials("synthetic").Count);
        Assert.Equal((1, 0, 0), store.CacheSizes()); // the baseline's evaluation only
        Assert.Equal(CampaignStatus.Failed, store.GetCampaign("synthetic")!.Status);
    }

    [Fact]
    public void An_evaluator_that_cannot_load_its_model_stops_the_run_with_exit_1_naming_it()
    {
        var (dir, _, args) = Setup("toy", "seeded-random", evaluator: "throws-in-create");
        var r = HassProcess.RunIn(dir, Long, args);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        Assert.Equal("error: evaluator 'throws-in-create' " + Plugin + " threw InvalidOperationException in Create: the test evaluator could not load its model " +
                     "(by design); a bug of the plugin: fix or update it, or use another (hass plugins lists them)", ErrorLine(r.Err));
        using var store = HassStore.Open(Path.Combine(dir, "hass.db"));
        Assert.Empty(store.Trials("synthetic"));
    }

    [Fact]
    public void A_strategy_that_throws_in_ask_stops_the_run_with_exit_1_naming_it_and_keeps_its_trials()
    {
        var (dir, _, args) = Setup("toy", "throws-in-ask");
        var r = HassProcess.RunIn(dir, Long, args);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        Assert.Equal("error: strategy 'throws-in-ask' " + Plugin + " threw InvalidOperationException in Ask: the test strategy lost its state (by design); " +
                     "a bug of the plugin: fix or update it, or use another (hass plugins lists them)", ErrorLine(r.Err));
        OnlyTheStoreWasWritten(dir);
        using var store = HassStore.Open(Path.Combine(dir, "hass.db"));
        Assert.Equal([TrialState.Complete, TrialState.Complete], store.Trials("synthetic").Select(t => t.State));
        Assert.Equal(CampaignStatus.Failed, store.GetCampaign("synthetic")!.Status);
    }

    /// <summary>SIGINT once <paramref name="backend"/> says it is in Optimize, deaf to cancellation: exit 130 after the 10 s grace (with slack for load).</summary>
    private static void InterruptInOptimizeExits130WithinTheGrace(HassProcess p, string backend)
    {
        Assert.True(p.WaitForOutput($"{backend}: in Optimize", Long), p.Out + p.Err);
        var watch = Stopwatch.StartNew();
        p.Signal("INT");
        var code = p.WaitForExit(Long);
        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{p.Out}\n{p.Err}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(40), $"stopped after {watch.Elapsed}");
    }

    [Fact]
    public void Ctrl_c_stops_a_run_whose_backend_ignores_cancellation_within_the_grace_with_exit_130()
    {
        var (dir, _, args) = Setup("ignores-cancel", "seeded-random");
        using (var p = HassProcess.StartIn(dir, args))
        {
            // Trial 1 is then in the backend, which sleeps for minutes whatever the token says.
            InterruptInOptimizeExits130WithinTheGrace(p, "ignores-cancel");
            Assert.Contains($"warning: trial 1 did not stop within 10 s of the interrupt: backend 'ignores-cancel' {Plugin} ignores cancellation; " +
                            "abandoned in its design stage, it is re-asked on resume", p.Err);
            Assert.DoesNotContain("   at ", p.Err);
        }
        using var store = HassStore.Open(Path.Combine(dir, "hass.db"));
        var trial = Assert.Single(store.Trials("synthetic"));
        Assert.Equal(TrialState.Abandoned, trial.State);
        Assert.Equal(CampaignStatus.Interrupted, store.GetCampaign("synthetic")!.Status);
    }

    [Fact]
    public void Ctrl_c_stops_the_final_table_whose_backend_ignores_cancellation_within_the_grace_with_exit_130_and_a_readable_store()
    {
        var (dir, _, args) = Setup("ignores-cancel-in-final", "seeded-random");
        using (var p = HassProcess.StartIn(dir, [.. args, "--trials", "3"]))
        {
            // The search is done; the backend sleeps for minutes in the final table's dense design whatever the token says.
            InterruptInOptimizeExits130WithinTheGrace(p, "ignores-cancel-in-final");
            Assert.Contains("final: dense design", p.Out);
            Assert.Equal([$"warning: the final table did not stop within 10 s of the interrupt: backend 'ignores-cancel-in-final' {Plugin} ignores cancellation; " +
                          "its design call is left behind, and running the same command again makes the table",
                          "interrupted: completed trials are in the store; run the same command again to resume"],
                         p.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
        }
        using (var store = HassStore.Open(Path.Combine(dir, "hass.db")))
        {
            var campaign = store.GetCampaign("synthetic")!;
            Assert.Equal((CampaignStatus.Interrupted, "interrupted while making the final table"), (campaign.Status, campaign.Message));
            Assert.Null(campaign.Final);
            Assert.Equal(3, store.Trials("synthetic").Count);
        }
        var trials = HassProcess.RunIn(dir, Long, "trials", "synthetic", "--store", Path.Combine(dir, "hass.db"), "--json");
        Assert.True(trials.ExitCode == ExitCodes.Success, $"exit {trials.ExitCode}\n{trials.Out}\n{trials.Err}");
        Assert.Equal(3, System.Text.Json.JsonDocument.Parse(trials.Out).RootElement.GetArrayLength());
        using var resumed = HassProcess.StartIn(dir, [.. args, "--trials", "3"]);
        Assert.True(resumed.WaitForOutput("ignores-cancel-in-final: in Optimize", Long), resumed.Out + resumed.Err);   // straight back to the table
        Assert.Contains("resuming campaign 'synthetic': 3 trials in the store", resumed.Out);
        Assert.Contains("0 trials run now, 3 in the store", resumed.Out);
    }

    [Fact]
    public void Ctrl_c_stops_hass_design_at_once_with_exit_130_even_when_its_backend_ignores_cancellation()
    {
        // hass design keeps nothing of a DSE it stops waiting for, so a deaf backend is left to end with the process, without a grace.
        var dir = HassProcess.TempDir();
        using (var p = HassProcess.StartIn(dir, ["design", "--model", "synthetic-cnn", "--board", "toy-board", "--backend", "ignores-cancel",
                   .. HassProcess.Common(Path.Combine(dir, "hass.db")), "--plugins", PluginFolder]))
        {
            Assert.True(p.WaitForOutput("ignores-cancel: in Optimize", Long), p.Out + p.Err);
            Interrupts.StopsAtOnce(p, "error: interrupted: hass design stopped; nothing was written");
        }
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName), f => f is not ("hass.db" or "hass.db.lock"));
    }
}
