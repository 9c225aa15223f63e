using Hass.Abstractions;
using Hass.Cli;
using Hass.Engine.Storage;

namespace Hass.IntegrationTests;

public class ProcessTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private static string SlowCampaign(string dir, int delayMs, int trials, string name = "slow")
    {
        var path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, File.ReadAllText(HassProcess.SyntheticCampaign)
            .Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}")
            .Replace("\"trials\": 20", $"\"trials\": {trials}")
            .Replace("\"name\": \"synthetic\"", $"\"name\": \"{name}\""));
        return path;
    }

    /// <summary>
    /// Starts `hass run` as a real process and SIGKILLs it at 10 seeded random moments, resuming each time.
    /// Every trial completed before a kill must be in the final store exactly once and unchanged, the campaign
    /// must complete, and (one trial at a time) its trial sequence must equal that of an uninterrupted run. With two
    /// trials in flight, results are told in completion order, so only the sequence check is left out.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Sigkill_at_ten_random_moments_loses_and_duplicates_nothing(int parallelism)
    {
        var budget = 80 * parallelism;
        string[] parallel = ["--parallelism", parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        // 200 ms a trial: a run killed at most 1.5 s after loading finishes at most 7 trials, so ten runs can never
        // reach the budget of 80 before the tenth kill, however fast the machine (with 60 ms an idle machine could).
        var campaign = SlowCampaign(dir, delayMs: 200, trials: budget);
        var random = new Random(2026);
        var completedBeforeKills = new Dictionary<int, string>();
        var kills = 0;
        var progressed = 0;

        for (int i = 0; i < 10; i++)
        {
            using var p = HassProcess.Start(["run", campaign, .. parallel, .. HassProcess.Common(store)]);
            Assert.True(p.WaitForOutput("loading model", Long), p.Out + p.Err);
            Thread.Sleep(random.Next(100, 1500));
            if (p.HasExited) break; // finished before the kill moment: nothing left to kill
            p.KillHard();
            kills++;

            using var s = HassStore.Open(store); // the kernel released the lock with the process
            var trials = s.Trials("slow");
            foreach (var (number, json) in completedBeforeKills)
                Assert.Equal(json, HassJson.Serialize(trials.Single(t => t.Number == number)));
            var finished = trials.Where(t => t.State is TrialState.Complete or TrialState.Pruned or TrialState.Failed).ToList();
            if (finished.Count > completedBeforeKills.Count) progressed++;
            output.WriteLine($"kill {kills}: {finished.Count} finished trials, {trials.Count(t => t.State == TrialState.Abandoned)} abandoned, {trials.Count(t => t.State == TrialState.Running)} in flight");
            foreach (var t in finished) completedBeforeKills.TryAdd(t.Number, HassJson.Serialize(t));
            Assert.True(trials.Count(t => t.State == TrialState.Running) <= parallelism);
        }
        Assert.Equal(10, kills);
        Assert.True(progressed >= 3, $"only {progressed} of the kills came after new trials completed");

        var final = HassProcess.Run(Long, ["run", campaign, .. parallel, .. HassProcess.Common(store)]);
        Assert.True(final.ExitCode == 0, final.Out + final.Err);
        Assert.Contains("complete", final.Out);

        using (var s = HassStore.Open(store))
        {
            var trials = s.Trials("slow");
            var counted = trials.Where(t => t.State != TrialState.Abandoned).ToList();
            Assert.Equal(budget, counted.Count);
            Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
            foreach (var (number, json) in completedBeforeKills)
                Assert.Equal(json, HassJson.Serialize(trials.Single(t => t.Number == number)));
            Assert.Equal(CampaignStatus.Complete, s.GetCampaign("slow")!.Status);
            output.WriteLine($"final: {counted.Count} trials, {trials.Count - counted.Count} abandoned (re-asked), {completedBeforeKills.Count} completed before the last kill, resumes {s.GetCampaign("slow")!.Resumes}");
            if (parallelism > 1) return;

            // Same sequence of points as a run that was never interrupted (strategy rebuilt exactly on every resume).
            var reference = Path.Combine(dir, "reference.db");
            var fast = SlowCampaign(dir, delayMs: 0, trials: budget);
            Assert.Equal(0, await CliApp.RunAsync(["run", fast, .. HassProcess.Common(reference)], new StringWriter(), new StringWriter(), interactive: false));
            using var r = HassStore.Open(reference);
            Assert.Equal(r.Trials("slow").Select(t => t.Parameters.QuantisedKey()), counted.Select(t => t.Parameters.QuantisedKey()));
        }
    }

    [Fact]
    public void Second_process_on_the_same_store_is_told_the_owner_pid()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        using var owner = HassProcess.Start(["run", SlowCampaign(dir, 200, 100), .. HassProcess.Common(store)]);
        Assert.True(owner.WaitForOutput("baseline", Long), owner.Out + owner.Err);
        var second = HassProcess.Run(Long, ["status", .. HassProcess.Common(store)]);
        Assert.Equal(ExitCodes.StoreInUse, second.ExitCode);
        Assert.Contains($"error: store {store} is in use by PID {owner.Id}; wait for it to finish, stop it, or use another --store", second.Err);
        owner.KillHard();
        var after = HassProcess.Run(Long, ["status", .. HassProcess.Common(store)]);
        Assert.Equal(0, after.ExitCode);
    }

    [Fact]
    public void An_interrupt_during_the_final_table_is_stored_as_interrupted_and_the_same_command_makes_the_table()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var campaign = SlowCampaign(dir, 1500, 2, "late");
        using (var p = HassProcess.StartIn(dir, ["run", campaign, .. HassProcess.Common(store)]))
        {
            Assert.True(p.WaitForOutput("final: dense", Long), p.Out + p.Err);
            p.Signal("TERM");
            var code = p.WaitForExit(Long);
            Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{p.Out}\n{p.Err}");
            Assert.Contains("interrupted while making the final table", p.Out);
            Assert.Contains("interrupted: completed trials are in the store; run the same command again to resume", p.Err);
            Assert.DoesNotContain("error: interrupted", p.Err);
        }
        using (var s = HassStore.Open(store))
            Assert.Equal(CampaignStatus.Interrupted, s.GetCampaign("late")!.Status);
        Assert.False(Directory.Exists(Path.Combine(dir, "reports", "late")));

        var again = HassProcess.RunIn(dir, Long, ["run", campaign, .. HassProcess.Common(store)]);
        Assert.True(again.ExitCode == 0, again.Out + again.Err);
        Assert.Contains("0 trials run now", again.Out);
        Assert.True(File.Exists(Path.Combine(dir, "reports", "late", "final.csv")), again.Out);
        using var done = HassStore.Open(store);
        Assert.Equal(CampaignStatus.Complete, done.GetCampaign("late")!.Status);
    }

    [Theory]
    [InlineData("TERM", 1)]
    [InlineData("INT", 1)]
    [InlineData("TERM", 2)]
    public void Sigterm_and_sigint_stop_cleanly_with_exit_130_and_resume(string signal, int parallelism)
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var campaign = SlowCampaign(dir, 150, 12);
        string[] parallel = ["--parallelism", parallelism.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        using (var p = HassProcess.Start(["run", campaign, .. parallel, .. HassProcess.Common(store)]))
        {
            Assert.True(p.WaitForOutput("trial 2/12", Long), p.Out + p.Err);
            p.Signal(signal);
            var code = p.WaitForExit(Long);
            Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{p.Out}\n{p.Err}");
            Assert.Contains("interrupted: completed trials are in the store; run the same command again to resume", p.Err);
        }
        using (var s = HassStore.Open(store))
        {
            var trials = s.Trials("slow");
            Assert.True(trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned) >= 2);
            Assert.DoesNotContain(trials, t => t.State == TrialState.Running);
            Assert.Equal(CampaignStatus.Interrupted, s.GetCampaign("slow")!.Status);
        }
        var resumed = HassProcess.Run(Long, ["run", campaign, .. parallel, .. HassProcess.Common(store)]);
        Assert.Equal(0, resumed.ExitCode);
        using var done = HassStore.Open(store);
        Assert.Equal(12, done.Trials("slow").Count(t => t.State != TrialState.Abandoned));
    }

    [Fact]
    public void Plugins_command_of_a_real_process_lists_the_components()
    {
        var r = HassProcess.Run(Long, ["plugins", .. HassProcess.Common(Path.Combine(HassProcess.TempDir(), "x.db"))]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("seeded-random", r.Out);
        Assert.Contains("toy", r.Out);
    }
}
