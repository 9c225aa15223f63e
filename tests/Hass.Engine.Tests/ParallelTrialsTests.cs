using System.Collections.Concurrent;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>Campaigns with several trials in flight: budget, stored once each, cancellation and resume, measurement.</summary>
public class ParallelTrialsTests
{
    private static CampaignSpec Spec(int trials, int parallelism, int delayMs = 0, string? extra = null)
    {
        var json = File.ReadAllText(TestEnvironment.SyntheticCampaign).Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}");
        if (extra is not null) json = json.TrimEnd().TrimEnd('}') + ", " + extra + " }";
        return CampaignLoader.Parse(json, "synthetic.json", new CampaignOverrides { Trials = trials, Parallelism = parallelism });
    }

    private static async Task<CampaignResult> Run(string db, CampaignSpec spec, ICampaignObserver? observer = null, IDesignMeasurer? measurer = null,
        CancellationToken ct = default)
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        using var store = HassStore.Open(db);
        return await new CampaignSearch(spec, "synthetic.json", store, components, TestEnvironment.Boards(), observer, measurer).RunAsync(ct);
    }

    private static IReadOnlyList<TrialRecord> Trials(string db)
    {
        using var store = HassStore.Open(db);
        return store.Trials("synthetic");
    }

    private sealed class Events(int cancelAtStart = 0, CancellationTokenSource? cts = null) : ICampaignObserver
    {
        public ConcurrentQueue<string> Log { get; } = new();
        public void Info(string message) { }
        public void Warning(string message) { }
        public void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress)
        {
            Log.Enqueue($"start {number}");
            if (number == cancelAtStart) cts?.CancelAfter(50);
        }
        public void TrialFinished(TrialRecord trial, CampaignProgress progress) => Log.Enqueue($"finish {trial.Number}");
    }

    [Fact]
    public async Task Two_trials_are_in_flight_at_once_and_the_budget_is_stored_once_each()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var events = new Events();
        var result = await Run(db, Spec(12, parallelism: 2, delayMs: 30), events);
        Assert.Equal(CampaignStatus.Complete, result.Status);
        Assert.Equal(["start 1", "start 2"], events.Log.Take(2));
        var trials = Trials(db);
        Assert.Equal(Enumerable.Range(1, 12), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Contains(t.State, new[] { TrialState.Complete, TrialState.Pruned }));
        Assert.Equal(12, events.Log.Count(e => e.StartsWith("finish", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Parallelism_one_stores_the_same_trials_as_a_campaign_without_the_field()
    {
        var a = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var b = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(a, Spec(10, parallelism: 1));
        await Run(b, CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign), "synthetic.json", new CampaignOverrides { Trials = 10 }));
        Assert.Equal(Trials(a).Select(t => t.Parameters.QuantisedKey() + t.State), Trials(b).Select(t => t.Parameters.QuantisedKey() + t.State));
    }

    [Fact]
    public async Task Cancelled_parallel_trials_are_abandoned_and_a_resume_completes_without_duplicates()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using var cts = new CancellationTokenSource();
        var spec = Spec(10, parallelism: 2, delayMs: 200);
        var result = await Run(db, spec, new Events(cancelAtStart: 4, cts), ct: cts.Token);
        Assert.Equal(CampaignStatus.Interrupted, result.Status);
        var stopped = Trials(db);
        Assert.DoesNotContain(stopped, t => t.State == TrialState.Running);
        Assert.Contains(stopped, t => t.State == TrialState.Abandoned);
        var finishedBefore = stopped.Where(t => t.State != TrialState.Abandoned).ToDictionary(t => t.Number, t => HassJson.Serialize(t));

        Assert.Equal(CampaignStatus.Complete, (await Run(db, spec)).Status);
        var trials = Trials(db);
        Assert.Equal(10, trials.Count(t => t.State != TrialState.Abandoned));
        Assert.Equal(trials.Count, trials.Select(t => t.Number).Distinct().Count());
        foreach (var (number, json) in finishedBefore) Assert.Equal(json, HassJson.Serialize(trials.Single(t => t.Number == number)));
    }

    [Fact]
    public async Task A_trial_lost_in_flight_between_finished_ones_is_abandoned_on_resume_and_its_slot_asked_again()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(db, Spec(6, parallelism: 2));
        using (var store = HassStore.Open(db))
        {
            var third = store.Trials("synthetic").Single(t => t.Number == 3);
            store.SaveTrial(third with { State = TrialState.Running }); // as if killed while 3 ran and 4..6 finished
        }
        var resumed = await Run(db, Spec(8, parallelism: 2));
        Assert.Equal(CampaignStatus.Complete, resumed.Status);
        var trials = Trials(db);
        Assert.Equal(TrialState.Abandoned, trials.Single(t => t.Number == 3).State);
        Assert.Equal(8, trials.Count(t => t.State != TrialState.Abandoned));
        Assert.Equal(3, resumed.TrialsRun);
    }

    [Fact]
    public async Task Parallel_trials_measure_one_at_a_time_and_calibrate_from_every_measurement()
    {
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var measurer = new FakeMeasurer(0.5);
        var spec = Spec(16, parallelism: 3, extra: "\"measure\": { \"link\": \"tcp:127.0.0.1:9\", \"designs\": { \"everyN\": 1 } }");
        await Run(db, spec, measurer: measurer);
        using var store = HassStore.Open(db);
        Assert.True(measurer.Measured > 0);
        Assert.Equal(measurer.Measured, store.Measurements().Count);
        Assert.Equal(measurer.Measured, store.GetCalibration("toy", "toy-board").Samples.Count);
    }
}
