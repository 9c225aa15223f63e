using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// Ask/tell over a trial store: the one writer of a campaign's trials. A trial is stored as Running when it is
/// asked and stored again when it is told, so nothing completed is lost to a kill. <see cref="Resume"/> is the one
/// place a strategy is rebuilt: trials found Running are marked abandoned, and the stored outcomes are told in
/// number order with the numbers the strategy asked them under (a strategy rebuilds its asks from the tells:
/// the <see cref="ISearchStrategy"/> contract). Not thread-safe: the scheduler calls it from one loop.
/// </summary>
public sealed class Study(string campaign, ISearchStrategy strategy, ITrialStore store, Func<TrialRecord, int, TrialOutcome> outcomeOf)
{
    public const string AbandonedAtKill = "the process stopped while this trial ran; re-asked on resume";

    private readonly List<TrialRecord> _trials = [];
    /// <summary>Trials in flight: store number → the strategy's number for it.</summary>
    private readonly Dictionary<int, int> _inFlight = [];
    private int _nextNumber = 1;

    public string Campaign { get; } = campaign;
    /// <summary>Finished trials (every state but Running), in the order they finished.</summary>
    public IReadOnlyList<TrialRecord> Trials => _trials;
    /// <summary>Trials that count against the budget: all finished but the abandoned.</summary>
    public int Counted { get; private set; }
    public int InFlight => _inFlight.Count;
    /// <summary>The number the next asked trial gets.</summary>
    public int NextNumber => _nextNumber;
    public bool CanAsk => strategy.CanAsk;

    /// <summary>
    /// Loads the stored trials and rebuilds the strategy: warm starts enqueued, trials left Running marked
    /// Abandoned (they are asked again: their budget slot is free), stored outcomes told. Returns the numbers
    /// of the trials it abandoned.
    /// </summary>
    public IReadOnlyList<int> Resume(IReadOnlyList<WarmStartPoint> warmStarts, IReadOnlyList<int> sessionStarts)
    {
        foreach (var w in warmStarts) strategy.Enqueue(w.Parameters, w.Origin);
        var stored = store.Trials(Campaign).ToList();
        var abandoned = new List<int>();
        for (int i = 0; i < stored.Count; i++)
        {
            if (stored[i].State != TrialState.Running) continue;
            stored[i] = stored[i] with { State = TrialState.Abandoned, Error = AbandonedAtKill, FinishedAt = DateTimeOffset.UtcNow };
            store.SaveTrial(stored[i]);
            abandoned.Add(stored[i].Number);
        }
        foreach (var (trial, number) in StrategyNumbering.Assign(stored, sessionStarts))
            strategy.Tell(outcomeOf(trial, number));
        _trials.AddRange(stored);
        Counted = stored.Count(t => t.State != TrialState.Abandoned);
        _nextNumber = stored.Count == 0 ? 1 : stored.Max(t => t.Number) + 1;
        return abandoned;
    }

    /// <summary>Asks the strategy and stores the trial as Running; returns it with the seconds the store write took.</summary>
    public (TrialRecord Running, double StoreSeconds) Ask()
    {
        var started = DateTimeOffset.UtcNow;
        var suggestion = strategy.Ask();
        var running = new TrialRecord
        {
            Campaign = Campaign, Number = _nextNumber++, State = TrialState.Running, Parameters = suggestion.Parameters,
            Origin = suggestion.Origin, StartedAt = started,
        };
        var watch = Stopwatch.StartNew();
        store.SaveTrial(running);
        _inFlight[running.Number] = suggestion.Number;
        return (running, watch.Elapsed.TotalSeconds);
    }

    /// <summary>Stores a finished trial and tells the strategy its outcome (an abandoned trial is stored, not told).</summary>
    public void Tell(TrialRecord finished)
    {
        if (finished.State == TrialState.Running)
            throw new ArgumentException($"trial {finished.Number} is still running; tell it when it has finished", nameof(finished));
        if (!_inFlight.Remove(finished.Number, out var strategyNumber))
            throw new InvalidOperationException($"trial {finished.Number} of campaign '{Campaign}' is not in flight; tell each asked trial once");
        store.SaveTrial(finished);
        _trials.Add(finished);
        if (finished.State == TrialState.Abandoned) return;
        Counted++;
        strategy.Tell(outcomeOf(finished, strategyNumber));
    }
}

/// <summary>
/// The strategy's number of each stored trial. Within one run of the campaign, trials were asked in number
/// order, so each asked trial used a number, including abandoned ones that later trials of the same run
/// followed (with parallelism). Abandoned trials at the end of a run used numbers the next run asked again,
/// so their numbers are given to the next run's trials. Stores without run boundaries are one group whose
/// abandoned trials never use a number (the rule before parallelism, when only a run's last trial could be lost).
/// </summary>
public static class StrategyNumbering
{
    public static IEnumerable<(TrialRecord Trial, int Number)> Assign(IReadOnlyList<TrialRecord> stored, IReadOnlyList<int> sessionStarts)
    {
        var next = 0;
        foreach (var (group, consumes) in Groups(stored.OrderBy(t => t.Number).ToList(), sessionStarts))
        {
            var lastLive = group.FindLastIndex(t => t.State != TrialState.Abandoned);
            for (int i = 0; i < group.Count; i++)
            {
                if (group[i].State != TrialState.Abandoned) yield return (group[i], next++);
                else if (consumes && i < lastLive) next++;
            }
        }
    }

    private static IEnumerable<(List<TrialRecord> Group, bool Consumes)> Groups(List<TrialRecord> trials, IReadOnlyList<int> starts)
    {
        var first = starts.Count == 0 ? int.MaxValue : starts[0];
        yield return (trials.Where(t => t.Number < first).ToList(), false);
        for (int i = 0; i < starts.Count; i++)
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : int.MaxValue;
            var from = starts[i];
            yield return (trials.Where(t => t.Number >= from && t.Number < end).ToList(), true);
        }
    }
}
