using System.Text.Json;
using Hass.BoardEmulator;

namespace Hass.IntegrationTests;

/// <summary>
/// Short real campaigns through the `hass` executable: the shipped fmnist-vgg checkpoint on Fashion-MNIST, the real
/// dataflow backend, tpe and uniform search, the final table, the report, and hardware in the loop against the
/// board emulator as a separate process.
/// </summary>
public class RealCampaignTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(8);

    /// <summary>
    /// A short real campaign (4 TPE trials after a 3-trial uniform baseline) on a Fashion-MNIST model; its picks are
    /// confirmed on <paramref name="confirmImages"/> images of the confirmation split (null: the field is left out).
    /// </summary>
    internal static string Campaign(string dir, string name, string extra = "", string model = "fmnist-vgg", int? confirmImages = 500, string final = "\"uniformBaselineTrials\": 3")
    {
        var confirm = confirmImages is { } n ? $", \"confirmImages\": {n}" : "";
        var path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, $$"""
        {
          "name": "{{name}}",
          "model": "{{model}}",
          "dataset": { "name": "fashion-mnist", "searchImages": 400, "calibrationImages": 32, "testImages": 1000{{confirm}} },
          "pruning": { "name": "threshold" },
          "backend": { "name": "dataflow-sparse" },
          "board": "zedboard",
          "strategy": { "name": "tpe" },
          "objective": { "metric": "throughput", "toleranceTop1": 1.0 },
          "budget": { "trials": 4 },
          "seed": 3,
          "final": { {{final}} }{{extra}}
        }
        """);
        return path;
    }

    [Fact]
    public void Default_model_campaign_runs_end_to_end_and_reports()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "e2e"), "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("campaign 'e2e-uniform' complete: trial budget reached (3)", stdout);
        Assert.Contains("campaign 'e2e' complete: trial budget reached (4)", stdout);
        Assert.Contains("final (test set: 1000 images, confirmation split: 500 images)", stdout);
        // Both picks are confirmed by the same rule: finalists re-scored on the confirmation split, one chosen each.
        Assert.Contains("final: confirming up to 8 finalists per pick on the confirmation split (500 images)", stdout);
        Assert.Single(stdout.Split('\n'), l => l.Contains("final: uniform finalist trial") && l.Contains("(chosen)"));
        Assert.Single(stdout.Split('\n'), l => l.Contains("final: hass finalist trial") && l.Contains("(chosen)"));

        var report = Path.Combine(dir, "reports", "e2e");
        foreach (var f in new[] { "report.json", "trials.csv", "pareto.csv", "final.csv", "accuracy-vs-throughput.png", "best-so-far.png" })
            Assert.True(File.Exists(Path.Combine(report, f)), f);
        var final = File.ReadAllLines(Path.Combine(report, "final.csv"));
        Assert.StartsWith("design,trial,top-1 test %,top-1 confirm %,top-1 search %", final[0]);
        Assert.StartsWith("dense,", final[1]);
        foreach (var pick in new[] { "dense,", "uniform,", "hass," })   // the confirmation top-1 beside the test top-1
            Assert.Matches(@"^[^,]+,[^,]+,\d+\.\d\d,\d+\.\d\d,", final.Single(l => l.StartsWith(pick, StringComparison.Ordinal)));
        // The paper's second comparison: the HASS pick's network on the non-dataflow sparse backend, same board.
        Assert.Contains(final, line => line.StartsWith("hass on systolic-sparse,", StringComparison.Ordinal));
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(report, "report.json")));
        Assert.Equal("e2e", json.RootElement.GetProperty("campaign").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("trials").GetInt32());

        // A completed campaign resumes as complete: nothing re-run, nothing duplicated.
        var again = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "e2e"), "--store", store);
        Assert.True(again.ExitCode == 0, again.Err);
        Assert.Contains("0 trials run now, 4 in the store", again.Out);
    }

    /// <summary>
    /// Confirmed incumbents (final.confirmIncumbents) on the real pipeline: both searches re-score new incumbents on the first part of
    /// the confirmation split (final.incumbentImages, here at most half of 500), and both picks are confirmed on the rest.
    /// </summary>
    [Fact]
    public void Confirmed_incumbents_run_on_the_real_pipeline()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "ci", final: "\"uniformBaselineTrials\": 3, \"confirmIncumbents\": true"), "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("confirmed incumbents: a trial that beats the best confirmed one by 0.5% is re-scored on the first 250 " +
            "images of the confirmation split (dense top-1")));
        using (var s = Hass.Engine.Storage.HassStore.Open(store))
        {
            var confirmed = new[] { "ci-uniform", "ci" }.SelectMany(s.Trials).Where(t => t.ConfirmationDrop is not null).ToList();
            Assert.NotEmpty(confirmed);
            Assert.All(confirmed, t => Assert.Equal(0.75, t.ConfirmationLimit!.Value, 9));
            Assert.All(confirmed, t => Assert.True(t.Feasible && t.Timings.Confirm > 0));
        }
        Assert.Contains("final (test set: 1000 images, confirmation split: 250 images)", stdout);
        Assert.Contains("final: confirming up to 8 finalists per pick on the confirmation split (250 images, the part the search did not use (it used the first 250))", stdout);
        Assert.Single(stdout.Split('\n'), l => l.Contains("final: hass finalist trial") && l.Contains("(chosen)"));
    }

    /// <summary>
    /// The second look (final.secondLookImages) on the real pipeline: with a band wide enough for every trial, each complete trial of
    /// both searches is scored again on the images after the confirmations' part and judged by the pooled drop; the final pick scores
    /// its finalists on the images after both.
    /// </summary>
    [Fact]
    public void The_second_look_runs_on_the_real_pipeline()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var final = "\"uniformBaselineTrials\": 3, \"confirmIncumbents\": true, \"incumbentImages\": 100, \"secondLookImages\": 100, \"secondLookBand\": 100";
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "look", final: final), "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Equal(2, stdout.Split('\n').Count(l => l.Contains("second look: a trial whose search-split drop lies within 100.00 points of the tolerance is scored again on 100 more images")));
        using (var s = Hass.Engine.Storage.HassStore.Open(store))
        {
            var complete = new[] { "look-uniform", "look" }.SelectMany(s.Trials).Where(t => t.State == Hass.Abstractions.TrialState.Complete).ToList();
            Assert.NotEmpty(complete);
            foreach (var t in complete)
            {
                var pooled = (t.CountedDrop!.Value * t.AccuracyImages + t.SecondLookDrop!.Value * 100) / (t.AccuracyImages + 100);
                Assert.Equal(pooled - 1.0, t.ConstraintViolation, 6);
            }
        }
        Assert.Contains("final: confirming up to 8 finalists per pick on the confirmation split (300 images, the part the search did not use (it used the first 200))", stdout);
    }

    /// <summary>
    /// The sensitivity strategy's ceiling point is stopped early in the search; the final table still puts it through
    /// the DSE, with the design at every conv's maximal measured sparsity, and says what binds each (docs/search.md).
    /// </summary>
    [Fact]
    public void The_final_table_holds_both_ceilings_what_binds_them_and_the_picks_headroom()
    {
        var dir = HassProcess.TempDir();
        var campaign = Campaign(dir, "ceil");
        File.WriteAllText(campaign, File.ReadAllText(campaign)
            .Replace("\"name\": \"tpe\" }", "\"name\": \"sensitivity\", \"settings\": { \"sweepDepth\": 1, \"rayDepth\": 1 } }")
            .Replace("\"trials\": 4", "\"trials\": 13"));
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", campaign, "--store", Path.Combine(dir, "hass.db"));
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        var final = File.ReadAllLines(Path.Combine(dir, "reports", "ceil", "final.csv"));
        var throughput = Array.IndexOf(final[0].Split(','), "img/s");
        var weightSparsity = Array.IndexOf(final[0].Split(','), "weight sp.");
        var dense = double.Parse(final.Single(l => l.StartsWith("dense,", StringComparison.Ordinal)).Split(',')[throughput], System.Globalization.CultureInfo.InvariantCulture);
        foreach (var label in new[] { "ceiling: sensitivity", "ceiling: max sparsity" })
        {
            var row = Assert.Single(final, l => l.StartsWith(label + ",", StringComparison.Ordinal)).Split(',');
            Assert.Equal(["-", "-"], row[2..4]); // never evaluated on the test set nor confirmed: a bound, not a pick
            Assert.Equal(["-", "-", "-"], row[weightSparsity..(weightSparsity + 3)]); // its sparsities are no one trial's
            Assert.True(double.Parse(row[throughput], System.Globalization.CultureInfo.InvariantCulture) >= dense, string.Join(",", row));
            Assert.Matches(label + @": (DSP|LUT|BRAM18) \d", stdout);
            Assert.Contains("bottleneck", stdout);
        }
        // Each pick says how much faster its folding could go with more zeros, what stops it there, and how much larger
        // a board the DSE needs to pass that at the pick's zeros.
        var text = System.Text.RegularExpressions.Regex.Replace(stdout, @"\s+", " ");   // the console wraps long notes
        foreach (var pick in new[] { "uniform", "hass" })
            Assert.Matches(pick + @": ([^:]*; )?\d+\.\d\d× headroom: this folding reaches at most [\d,]+ img/s whatever the zeros; then [^;]*; "
                           + @"the DSE (passes this cap on a board with \d\.\d\d× these resources \([\d,]+ img/s there\)|does not pass this cap even on a board with 4× these resources)", text);
        // final.csv ends with each row's note, quoted (it holds commas).
        Assert.EndsWith(",note", final[0]);
        Assert.Matches(@"^hass,.*,""[^""]*headroom: this folding reaches at most [\d,]+ img/s[^""]*the DSE [^""]*""$", Assert.Single(final, l => l.StartsWith("hass,", StringComparison.Ordinal)));
        // The stored final table keeps the hass pick's price as a number, for the benchmark's ceilings table.
        using var s = Hass.Engine.Storage.HassStore.Open(Path.Combine(dir, "hass.db"));
        var hass = s.GetCampaign("ceil")!.Final!.Rows.Single(r => r.Label == "hass");
        var printed = System.Text.RegularExpressions.Regex.Match(hass.Note!, @"on a board with (\d\.\d\d)× these resources");
        Assert.Equal(printed.Success ? double.Parse(printed.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : null, hass.NextLevelBoardScale);
    }

    [Theory]
    [InlineData("fmnist-resnet")]
    [InlineData("fmnist-mobilenet")]
    public void Campaigns_run_on_the_other_shipped_zoo_models(string model)
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "zoo", ", \"earlyStop\": { \"enabled\": false }", model), "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("campaign 'zoo' complete: trial budget reached (4)", stdout);
        Assert.Contains("final (test set: 1000 images, confirmation split: 500 images)", stdout);
        var trials = HassProcess.RunIn(dir, Long, "trials", "zoo", "--store", store, "--json");
        Assert.True(trials.ExitCode == 0, trials.Err);
        using var json = JsonDocument.Parse(trials.Out);
        var states = json.RootElement.EnumerateArray().Select(t => t.GetProperty("state").GetString()).ToList();
        Assert.Equal(["complete", "complete", "complete", "complete"], states);
    }

    [Fact]
    public async Task Campaign_with_measure_on_measures_on_the_emulator_process()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var board = Path.Combine(HassProcess.RepoRoot, "boards", "zedboard.json");
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--board", board]);
        var measure = $",\n  \"measure\": {{ \"link\": \"{emulator.Address}\", \"designs\": {{ \"topK\": 1 }}, \"repeats\": 2, \"images\": 4, \"warmupImages\": 1 }}";
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Long, "run", Campaign(dir, "hil", measure), "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);

        var trials = HassProcess.RunIn(dir, Long, "trials", "hil", "--json", "--store", store);
        Assert.True(trials.ExitCode == 0, trials.Err);
        using var doc = JsonDocument.Parse(trials.Out);
        var measured = doc.RootElement.EnumerateArray()
            .Where(t => t.TryGetProperty("measuredThroughput", out var m) && m.ValueKind == JsonValueKind.Number).ToList();
        Assert.NotEmpty(measured);
        Assert.All(measured, t => Assert.True(t.GetProperty("measuredThroughput").GetDouble() > 0));
        Assert.Contains(measured, t => t.GetProperty("throughputFidelity").GetString() == "emulated");
    }

    [Fact]
    public void Missing_dataset_is_bad_input_with_what_to_do_and_the_store_keeps_its_trials()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var kept = Campaign(dir, "kept");
        File.WriteAllText(kept, File.ReadAllText(kept).Replace("\"uniformBaselineTrials\": 3", "\"enabled\": false"));
        var good = HassProcess.RunIn(dir, Long, "run", kept, "--store", store, "--trials", "2");
        Assert.True(good.ExitCode == 0, good.Err + good.Out);
        var path = Path.Combine(dir, "nodata.json");
        File.WriteAllText(path, File.ReadAllText(Campaign(dir, "nodata")).Replace("\"name\": \"fashion-mnist\",", "\"name\": \"fashion-mnist\", \"path\": \"/nonexistent/fmnist\","));
        var (code, _, stderr) = HassProcess.RunIn(dir, Long, "run", path, "--store", store);
        Assert.Equal(2, code);
        Assert.Contains("Fashion-MNIST not found at '/nonexistent/fmnist'", stderr);
        Assert.Contains("apt-get install dataset-fashion-mnist", stderr);
        var trials = HassProcess.RunIn(dir, Long, "trials", "kept", "--json", "--store", store);
        using var doc = JsonDocument.Parse(trials.Out);
        Assert.Equal(2, doc.RootElement.GetArrayLength());
    }

    /// <summary>The kill/resume guarantee on the real pipeline (TorchSharp evaluation, real DSE, tpe): SIGKILL at ten
    /// seeded random moments, resume each time; every finished trial survives unchanged and exactly once.</summary>
    [Fact]
    public void Real_campaign_survives_ten_sigkills_and_completes()
    {
        const int budget = 100;
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var campaign = Campaign(dir, "killed");
        File.WriteAllText(campaign, File.ReadAllText(campaign).Replace("\"trials\": 4", $"\"trials\": {budget}").Replace("\"uniformBaselineTrials\": 3", "\"enabled\": false"));
        var random = new Random(11);
        var finishedBefore = new Dictionary<int, string>();
        var kills = 0;
        for (int kill = 1; kill <= 10; kill++)
        {
            using var p = HassProcess.StartIn(dir, "run", campaign, "--store", store);
            // Each run first completes one trial ("trial n/100 …"), then is killed at a random moment of the next ones.
            Assert.True(p.WaitForOutput($"/{budget} ", Long) || p.HasExited, p.Out + p.Err);
            Thread.Sleep(random.Next(0, 1000));
            if (p.HasExited) break;
            p.KillHard();
            kills++;
            using var s = Hass.Engine.Storage.HassStore.Open(store);
            var trials = s.Trials("killed");
            foreach (var (number, json) in finishedBefore)
                Assert.Equal(json, Hass.Abstractions.HassJson.Serialize(trials.Single(t => t.Number == number)));
            foreach (var t in trials.Where(t => t.State is Hass.Abstractions.TrialState.Complete or Hass.Abstractions.TrialState.Pruned))
                finishedBefore.TryAdd(t.Number, Hass.Abstractions.HassJson.Serialize(t));
            output.WriteLine($"kill {kill}: {finishedBefore.Count} finished trials in the store, {trials.Count(t => t.State == Hass.Abstractions.TrialState.Running)} in flight");
        }
        Assert.Equal(10, kills);
        var final = HassProcess.RunIn(dir, Long, "run", campaign, "--store", store);
        Assert.True(final.ExitCode == 0, final.Err + final.Out);
        using (var s = Hass.Engine.Storage.HassStore.Open(store))
        {
            var trials = s.Trials("killed");
            Assert.Equal(budget, trials.Count(t => t.State != Hass.Abstractions.TrialState.Abandoned));
            Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
            foreach (var (number, json) in finishedBefore)
                Assert.Equal(json, Hass.Abstractions.HassJson.Serialize(trials.Single(t => t.Number == number)));
        }
    }
}
