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

    /// <summary>Stuck in its <paramref name="stage"/> until released, whatever the token says.</summary>
    private sealed class Deaf(string stage = DesignStage.StageName) : ITrialExecutor
    {
        public ManualResetEventSlim Started { get; } = new();
        public ManualResetEventSlim Release { get; } = new();
        public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
        {
            work.Stage = stage;
            Started.Set();
            Release.Wait(TimeSpan.FromMinutes(1));
            cancellationToken.ThrowIfCancellationRequested();   // it does see the token, only late
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

    private static readonly CampaignSpec Spec =
        CampaignLoader.Parse(File.ReadAllText(TestEnvironment.SyntheticCampaign), "synthetic.json", new CampaignOverrides { Trials = 3 });

    private static TrialScheduler Scheduler(InMemoryTrialStore store, Warnings observer)
    {
        var study = new Study(Spec.Name, new Points(), store, (t, n) => new TrialOutcome(n, t.Parameters, t.State, []));
        study.Resume([], []);
        return new TrialScheduler(Spec, study, new EvaluationRequest { Split = "search" }, observer, () => TimeSpan.Zero,
            () => new CampaignProgress { Campaign = Spec.Name }, "backend 'toy' (plugin Hass.TestPlugins.Synthetic)", new StopGrace(TimeSpan.FromMilliseconds(300)));
    }

    [Fact]
    public async Task An_interrupted_trial_stuck_in_a_plugin_is_abandoned_after_the_grace_naming_the_backend()
    {
        var spec = Spec;
        var store = new InMemoryTrialStore();
        var observer = new Warnings();
        var scheduler = Scheduler(store, observer);
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
        Assert.Equal("did not stop within 0.3 s of the interrupt: backend 'toy' (plugin Hass.TestPlugins.Synthetic) ignores cancellation; " +
                     "abandoned in its design stage, it is re-asked on resume", trial.Error);
        Assert.Equal(["info: interrupted: waiting up to 0.3 s for the 1 trial(s) in flight to stop", "warning: trial 1 " + trial.Error], observer.Lines);
    }

    /// <summary>The network stages share the evaluator, disposed when the run returns: a trial in them is waited for, however long.</summary>
    [Fact]
    public async Task An_interrupted_trial_still_evaluating_is_waited_for_past_the_grace()
    {
        var store = new InMemoryTrialStore();
        var observer = new Warnings();
        var scheduler = Scheduler(store, observer);
        using var executor = new Deaf("evaluate");
        using var cts = new CancellationTokenSource();

        var run = scheduler.RunAsync([executor], _ => { }, cts.Token);
        Assert.True(executor.Started.Wait(TimeSpan.FromSeconds(30)));
        await cts.CancelAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(run.IsCompleted);
        executor.Release.Set();
        var (status, _) = await run.WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(CampaignStatus.Interrupted, status);
        var trial = Assert.Single(store.Trials(Spec.Name));
        Assert.Equal(TrialState.Abandoned, trial.State);   // stopped by the interrupt itself, not left behind
        Assert.DoesNotContain("did not stop within", trial.Error);
        Assert.Contains("info: interrupted: a trial in flight is still evaluating its network; waiting for it to stop", observer.Lines);
    }
}
