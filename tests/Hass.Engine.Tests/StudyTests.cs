using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>The study over the in-memory trial store: what is stored when, and the numbers a resume tells.</summary>
public class StudyTests
{
    private static readonly SearchSpace Space = new([new SearchDimension { Name = "x" }]);

    /// <summary>Records every tell; asks points 0.0, 0.01, 0.02… and asks up to a told number first (the replay rule).</summary>
    private sealed class Counting : ISearchStrategy
    {
        private int _asked;
        public List<TrialOutcome> Told { get; } = [];
        public void Initialize(StrategyContext context) { }
        public TrialSuggestion Ask() { var n = _asked++; return new(n, new ParameterSet(new Dictionary<string, double> { ["x"] = n / 100.0 })); }
        public void Tell(TrialOutcome outcome) { while (_asked <= outcome.Number) Ask(); Told.Add(outcome); }
        public void Enqueue(ParameterSet parameters, string origin) { }
    }

    private static TrialOutcome Outcome(TrialRecord t, int number) => new(number, t.Parameters, t.State, []);

    private static TrialRecord Trial(int number, TrialState state) =>
        new() { Campaign = "c", Number = number, State = state, Parameters = Space.Defaults() };

    [Fact]
    public void Asked_trials_are_stored_running_and_told_in_completion_order_with_their_asked_numbers()
    {
        var store = new InMemoryTrialStore();
        var strategy = new Counting();
        var study = new Study("c", strategy, store, Outcome);
        Assert.Empty(study.Resume([], []));
        var (first, _) = study.Ask();
        var (second, _) = study.Ask();
        Assert.Equal([TrialState.Running, TrialState.Running], store.Trials("c").Select(t => t.State));
        study.Tell(second with { State = TrialState.Complete });
        study.Tell(first with { State = TrialState.Failed });
        Assert.Equal([1, 0], strategy.Told.Select(o => o.Number));
        Assert.Equal(2, study.Counted);
        Assert.Throws<InvalidOperationException>(() => study.Tell(first with { State = TrialState.Complete }));
    }

    [Fact]
    public void Resume_abandons_trials_left_running_and_tells_the_rest_once()
    {
        var store = new InMemoryTrialStore();
        foreach (var t in new[] { Trial(1, TrialState.Complete), Trial(2, TrialState.Pruned), Trial(3, TrialState.Running) }) store.SaveTrial(t);
        var strategy = new Counting();
        var study = new Study("c", strategy, store, Outcome);
        Assert.Equal([3], study.Resume([], [1]));
        Assert.Equal(TrialState.Abandoned, store.Trials("c")[2].State);
        Assert.Equal([0, 1], strategy.Told.Select(o => o.Number));
        Assert.Equal(2, study.Counted);
        Assert.Equal(4, study.NextNumber);
        // The abandoned trial ended its run: its number (2) is asked again, so its point comes back.
        Assert.Equal(2, strategy.Ask().Number);
    }

    [Fact]
    public void Abandoned_trials_followed_by_trials_of_the_same_run_keep_their_number_and_a_runs_tail_gives_it_back()
    {
        // Run 1 (from trial 1): 1, 2 done, 3 lost in flight while 4 finished, 5 lost at the end. Run 2 (from 6): 6, 7.
        TrialRecord[] stored =
        [
            Trial(1, TrialState.Complete), Trial(2, TrialState.Complete), Trial(3, TrialState.Abandoned), Trial(4, TrialState.Complete),
            Trial(5, TrialState.Abandoned), Trial(6, TrialState.Complete), Trial(7, TrialState.Complete),
        ];
        var numbers = StrategyNumbering.Assign(stored, [1, 6]).Select(p => (p.Trial.Number, p.Number)).ToList();
        Assert.Equal([(1, 0), (2, 1), (4, 3), (6, 4), (7, 5)], numbers);
        // A store from before run boundaries were kept: abandoned trials never used a number.
        var legacy = StrategyNumbering.Assign(stored, []).Select(p => p.Number).ToList();
        Assert.Equal([0, 1, 2, 3, 4], legacy);
    }
}
