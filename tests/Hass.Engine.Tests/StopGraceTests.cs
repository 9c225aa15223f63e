using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>A trial whose plugin ignores cancellation does not hold an interrupted run: after the stop grace it is stored Abandoned.</summary>
public class StopGraceTests
{
    private static readonly SearchSpace Space = new([new SearchDimension { Name = "x" }]);

    private sealed class Points : ISearchStrategy
    {
        private int _asked;
        public void Initialize(StrategyContext context) { }
        public TrialSuggestion Ask() => new(_asked++, Space.Defaults());
        public void Tell(TrialOutcome outcome) { }
        public void Enqueue(ParameterSet parameters, string origin) { }
    }

    /// <summary>Stuck in its design stage until released, whatever the token says.</summary>
    private sealed class Deaf : ITrialExecutor
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
        {
            work.Stage = "design";
            Started.Set();
            Release.Wait(TimeSpan.FromMinutes(1));
            return Task.CompletedTask;
        }
        public void Dispose() { }
    }

    private sealed class Warnings : ICampaignObserver
    {
        public List<string> Lines { get; } = [];
        public void Info(string message) => Lines.Add("info: " + message);
        public void Warning(string message) => Lines.Add("warning: " + message);
        public void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress) { }
        public void TrialFinished(TrialRecord trial, CampaignProgress progress) { }
    }

    [Fact]
    public async Task An_interrupted_trial_stuck_in_a_plugin_is_abandoned_after_the_grace_naming_the_backend()
    {
        var spec = CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign), "synthetic.json", new CampaignOverrides { Trials = 3 });
        var store = new InMemoryTrialStore();
        var study = new Study(spec.Name, new Points(), store, (t, n) => new TrialOutcome(n, t.Parameters, t.State, []));
        study.Resume([], []);
        var observer = new Warnings();
        var scheduler = new TrialScheduler(spec, study, new EvaluationRequest { Split = "search" }, observer, () => TimeSpan.Zero,
            () => new CampaignProgress { Campaign = spec.Name }, stopGrace: TimeSpan.FromMilliseconds(300));
        using var executor = new Deaf();
        using var cts = new CancellationTokenSource();

        var run = scheduler.RunAsync([executor], _ => { }, cts.Token);
        Assert.True(executor.Started.Wait(TimeSpan.FromSeconds(30)));
        await cts.CancelAsync();
        var (status, _) = await run.WaitAsync(TimeSpan.FromSeconds(30));
        executor.Release.Set();

        Assert.Equal(CampaignStatus.Interrupted, status);
        var trial = Assert.Single(store.Trials(spec.Name));
        Assert.Equal(TrialState.Abandoned, trial.State);
        Assert.Equal("did not stop within 0.3 s of the interrupt (the design stage: backend 'toy' ignores cancellation); abandoned, it is re-asked on resume", trial.Error);
        Assert.Equal(["info: interrupted: waiting up to 0.3 s for the 1 trial(s) in flight to stop", "warning: trial 1 " + trial.Error], observer.Lines);
    }
}
