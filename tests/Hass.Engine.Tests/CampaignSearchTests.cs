using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

public class CampaignSearchTests
{
    private static CampaignSpec Spec(int trials, string name = "synthetic", string? extra = null)
    {
        var json = File.ReadAllText(TestEnvironment.SyntheticCampaign);
        var spec = CampaignLoader.Parse(json, "synthetic.json", new CampaignOverrides { Trials = trials, Name = name });
        return extra is null ? spec : CampaignLoader.Parse(json.TrimEnd().TrimEnd('}') + ", " + extra + " }", "synthetic.json", new CampaignOverrides { Trials = trials, Name = name });
    }

    private static async Task<CampaignResult> Run(string storePath, CampaignSpec spec, IDesignMeasurer? measurer = null, CancellationToken ct = default, ICampaignObserver? observer = null)
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var store = HassStore.Open(storePath);
        return await new CampaignSearch(spec, "synthetic.json", store, components, TestEnvironment.Boards(), observer, measurer).RunAsync(ct);
    }

    private static IReadOnlyList<TrialRecord> Trials(string storePath, string campaign)
    {
        using var store = HassStore.Open(storePath);
        return store.Trials(campaign);
    }

    [Fact]
    public async Task Runs_the_budget_and_fills_every_trial()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var result = await Run(db, Spec(12));
        Assert.Equal(CampaignStatus.Complete, result.Status);
        Assert.Equal(12, result.TrialsRun);
        var trials = Trials(db, "synthetic");
        Assert.Equal(Enumerable.Range(1, 12), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned }));
        var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
        Assert.NotEmpty(complete);
        foreach (var t in complete)
        {
            Assert.NotNull(t.Design);
            Assert.Equal(t.Design!.Performance.ThroughputImagesPerSecond, t.ObjectiveValues[0]);
            Assert.Equal(90.0 - t.Accuracy!.Value - 1.0, t.ConstraintViolation, 9);
            Assert.Equal(t.ConstraintViolation <= 0, t.Feasible);
            Assert.True(t.Timings.Total >= t.Timings.Design);
            Assert.Equal(Fidelity.Analytical, t.ThroughputFidelity);
        }
        Assert.NotNull(result.Best);
        Assert.Equal(complete.Where(t => t.Feasible).Max(t => t.ObjectiveValues[0]), result.Best!.ObjectiveValues[0]);
        using var store = HassStore.Open(db);
        Assert.Equal(90.0, store.GetCampaign("synthetic")!.BaselineTop1);
    }

    [Fact]
    public async Task Far_out_trials_are_pruned_by_early_stop()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(30) with { EarlyStop = new EarlyStopSpec { DropFactor = 1.5 } });
        var trials = Trials(db, "synthetic");
        var pruned = trials.Where(t => t.State == TrialState.Pruned).ToList();
        Assert.NotEmpty(pruned);
        Assert.All(pruned, t => Assert.True(90.0 - t.Accuracy!.Value > 1.5));
        Assert.All(pruned, t => Assert.Null(t.Design));
        Assert.All(trials.Where(t => t.State == TrialState.Complete), t => Assert.True(90.0 - t.Accuracy!.Value <= 1.5));
    }

    [Fact]
    public async Task Resume_replays_the_strategy_and_matches_an_uninterrupted_run()
    {
        var straight = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(straight, Spec(10));
        var split = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(split, Spec(4));
        var again = await Run(split, Spec(10));
        Assert.Equal(6, again.TrialsRun);
        Assert.Equal(1, again.Resumed);
        var a = Trials(straight, "synthetic");
        var b = Trials(split, "synthetic");
        Assert.Equal(a.Select(t => t.Parameters.QuantisedKey()), b.Select(t => t.Parameters.QuantisedKey()));
        Assert.Equal(a.Select(t => t.Number), b.Select(t => t.Number));

        var noop = await Run(split, Spec(10));
        Assert.Equal(0, noop.TrialsRun);
        Assert.Equal(10, Trials(split, "synthetic").Count);
    }

    [Fact]
    public async Task In_flight_trial_found_on_resume_is_abandoned_and_re_asked()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(3));
        ParameterSet lost;
        using (var store = HassStore.Open(db))
        {
            var reference = Path.Combine(TestEnvironment.TempDir(), "ref.db");
            await Run(reference, Spec(4));
            lost = Trials(reference, "synthetic")[3].Parameters;
            store.SaveTrial(new TrialRecord { Campaign = "synthetic", Number = 4, State = TrialState.Running, Parameters = lost });
        }
        await Run(db, Spec(5));
        var trials = Trials(db, "synthetic");
        Assert.Equal(TrialState.Abandoned, trials[3].State);
        Assert.Equal(lost, trials[4].Parameters);
        Assert.Equal(6, trials.Count);
        Assert.Equal(5, trials.Count(t => t.State != TrialState.Abandoned));
    }

    [Fact]
    public async Task Changed_settings_under_the_same_name_are_refused()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(2));
        var changed = Spec(2) with { Seed = 99 };
        var e = await Assert.ThrowsAsync<CampaignException>(() => Run(db, changed));
        Assert.Contains("a campaign 'synthetic' with different settings already exists", e.Message);
        Assert.Equal(2, Trials(db, "synthetic").Count);
    }

    [Fact]
    public async Task Consecutive_failures_stop_the_campaign_with_a_clear_error_and_keep_the_trials()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = Spec(50) with
        {
            Pruning = new ComponentChoice { Name = "synthetic-threshold", Settings = System.Text.Json.JsonDocument.Parse("{\"failAbove\": 0.0001}").RootElement.Clone() },
            MaxConsecutiveFailures = 4,
        };
        var result = await Run(db, spec);
        Assert.Equal(CampaignStatus.Failed, result.Status);
        Assert.Contains("4 trials failed in a row (maxConsecutiveFailures = 4)", result.Message);
        Assert.Contains("synthetic failure", result.Message);
        var trials = Trials(db, "synthetic");
        Assert.Equal(4, trials.Count);
        Assert.All(trials, t => Assert.Equal(TrialState.Failed, t.State));
        Assert.All(trials, t => Assert.Contains("synthetic failure: a weight threshold is above failAbove", t.Error));
    }

    [Fact]
    public async Task Second_campaign_hits_the_caches_and_warm_starts_from_the_first()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(15, "first"));
        var second = await Run(db, Spec(15, "second"));
        var first = Trials(db, "first");
        var trials = Trials(db, "second");
        var warm = trials.Where(t => t.Origin.StartsWith("warm-start:first#", StringComparison.Ordinal)).ToList();
        var feasibleFirst = first.Count(t => t.Feasible && t.State == TrialState.Complete);
        Assert.Equal(Math.Min(WarmStarts.Count, feasibleFirst), warm.Count);
        Assert.True(warm.Count > 0);
        Assert.All(warm, t => Assert.True(t.EvaluationCacheHit && t.DesignCacheHit));
        Assert.Equal(Objective.Throughput(new Objective(new ObjectiveSpec()).Best(first)!), Objective.Throughput(second.Best!));
    }

    [Fact]
    public async Task Measured_designs_steer_the_objective_and_calibrate_later_predictions()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var measurer = new FakeMeasurer(0.5);
        var spec = Spec(20, extra: "\"measure\": { \"link\": \"tcp:127.0.0.1:9\", \"designs\": { \"topK\": 2 }, \"repeats\": 3 }");
        await Run(db, spec, measurer);
        var trials = Trials(db, "synthetic");
        var measured = trials.Where(t => t.MeasuredThroughput is not null).ToList();
        Assert.NotEmpty(measured);
        Assert.Equal(measurer.Measured, measured.Select(t => t.Design!.DesignHash()).Distinct().Count());
        foreach (var t in measured)
        {
            Assert.Equal(Fidelity.Emulated, t.ThroughputFidelity);
            Assert.Equal(t.PredictedThroughput!.Value * 0.5, t.MeasuredThroughput!.Value, 6);
            Assert.Equal(t.MeasuredThroughput!.Value, t.ObjectiveValues[0]);
        }
        var firstMeasured = measured[0].Number;
        var later = trials.Where(t => t.Number > firstMeasured && t.State == TrialState.Complete && t.MeasuredThroughput is null).ToList();
        Assert.NotEmpty(later);
        Assert.All(later, t =>
        {
            Assert.Equal(Fidelity.Calibrated, t.ThroughputFidelity);
            Assert.Equal(t.PredictedThroughput!.Value * 0.5, t.ObjectiveValues[0], 6);
        });
        using var store = HassStore.Open(db);
        Assert.Equal(0.5, store.GetCalibration("toy", "toy-board").Factor, 9);
        Assert.Equal(measurer.Measured, store.Measurements().Count);
        // No images or warm-up in the measure section: one batch of the design from an empty pipeline, the predicted quantity.
        Assert.All(measurer.Runs, run => Assert.Equal((run.BatchSize, 0), (run.Images, run.Warmup)));
    }

    [Fact]
    public async Task A_measure_section_with_warm_up_compares_with_the_steady_state_prediction()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var measurer = new FakeMeasurer(0.5);
        var spec = Spec(10, extra: "\"measure\": { \"link\": \"tcp:127.0.0.1:9\", \"designs\": { \"topK\": 1 }, \"images\": 7, \"warmupImages\": 3 }");
        await Run(db, spec, measurer);
        Assert.NotEmpty(measurer.Runs);
        Assert.All(measurer.Runs, run => Assert.Equal((7, 3), (run.Images, run.Warmup)));
        var trials = Trials(db, "synthetic").Where(t => t.Design is not null).GroupBy(t => t.Design!.DesignHash()).ToDictionary(g => g.Key, g => g.First().Design!);
        using var store = HassStore.Open(db);
        Assert.All(store.Measurements(), m => Assert.Equal(RunPrediction.ImagesPerSecond(trials[m.DesignHash], 7, 3), m.PredictedImagesPerSecond, 9));
    }

    [Fact]
    public async Task Stored_measurements_are_reused_instead_of_measuring_again()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        const string measure = "\"measure\": { \"link\": \"tcp:127.0.0.1:9\", \"designs\": { \"everyN\": 1 } }";
        var first = new FakeMeasurer(0.8);
        await Run(db, Spec(10, "m1", measure), first);
        Assert.True(first.Measured > 0);
        var second = new FakeMeasurer(0.8);
        await Run(db, Spec(10, "m2", measure) with { WarmStart = false }, second);
        Assert.Equal(0, second.Measured);
        var a = Trials(db, "m1").Where(t => t.MeasuredThroughput is not null).Select(t => t.MeasuredThroughput).ToList();
        var b = Trials(db, "m2").Where(t => t.MeasuredThroughput is not null).Select(t => t.MeasuredThroughput).ToList();
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task Cancellation_marks_the_running_trial_abandoned_and_resume_completes()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using var cts = new CancellationTokenSource();
        var spec = Spec(8) with { Pruning = new ComponentChoice { Name = "synthetic-threshold", Settings = System.Text.Json.JsonDocument.Parse("{\"delayMs\": 200}").RootElement.Clone() } };
        var observer = new CancelAfter(3, cts);
        var result = await Run(db, spec, ct: cts.Token, observer: observer);
        Assert.Equal(CampaignStatus.Interrupted, result.Status);
        var trials = Trials(db, "synthetic");
        Assert.Equal(3, trials.Count(t => t.State is TrialState.Complete or TrialState.Pruned));
        Assert.Equal(TrialState.Abandoned, trials[^1].State);
        var resumed = await Run(db, spec);
        Assert.Equal(CampaignStatus.Complete, resumed.Status);
        Assert.Equal(8, Trials(db, "synthetic").Count(t => t.State != TrialState.Abandoned));
    }

    [Theory]
    [InlineData("gops-per-dsp")]
    [InlineData("latency")]
    public async Task Alternative_objectives_use_their_metric_and_direction(string metric)
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = Spec(15) with { Objective = new ObjectiveSpec { Metric = CampaignLoader.TryParseMetric(metric, out var m) ? m : throw new ArgumentException(metric) } };
        var result = await Run(db, spec);
        var complete = Trials(db, "synthetic").Where(t => t.State == TrialState.Complete).ToList();
        Assert.All(complete, t => Assert.Equal(metric == "latency" ? t.Design!.Performance.LatencySeconds : t.Design!.Performance.GopPerSecondPerDsp, t.ObjectiveValues[0], 12));
        var feasible = complete.Where(t => t.Feasible).Select(t => t.ObjectiveValues[0]).ToList();
        Assert.Equal(metric == "latency" ? feasible.Min() : feasible.Max(), result.Best!.ObjectiveValues[0]);
    }

    [Fact]
    public async Task Multi_objective_campaign_reports_accuracy_and_throughput_and_a_pareto_set()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var spec = Spec(25) with { Objective = new ObjectiveSpec { Metric = ObjectiveMetric.Multi }, Strategy = new ComponentChoice { Name = "seeded-random-mo" } };
        await Run(db, spec);
        var trials = Trials(db, "synthetic");
        var complete = trials.Where(t => t.State == TrialState.Complete).ToList();
        Assert.All(complete, t => Assert.Equal([t.Accuracy!.Value, t.Design!.Performance.ThroughputImagesPerSecond], t.ObjectiveValues));
        var front = Objective.ParetoFront(trials);
        Assert.NotEmpty(front);
        foreach (var p in front)
            Assert.DoesNotContain(complete.Where(t => t.Feasible), q => q.Accuracy >= p.Accuracy && Objective.Throughput(q) >= Objective.Throughput(p)
                && (q.Accuracy > p.Accuracy || Objective.Throughput(q) > Objective.Throughput(p)));
        using var store = HassStore.Open(db);
        var report = Hass.Engine.Reports.CampaignReport.Build(store, store.GetCampaign("synthetic")!);
        Assert.Equal(front.Select(t => t.Number), report.Pareto.Select(t => t.Number));
        Assert.Equal("multi", report.Objective);
    }

    private sealed class CancelAfter(int trials, CancellationTokenSource cts) : ICampaignObserver
    {
        public void Info(string message) { }
        public void Warning(string message) { }
        public void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress)
        {
            if (number == trials + 1) cts.CancelAfter(50);
        }
        public void TrialFinished(TrialRecord trial, CampaignProgress progress) { }
    }
}
