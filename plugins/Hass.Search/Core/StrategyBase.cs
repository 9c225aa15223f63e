using System.Text.Json;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;

namespace Hass.Search.Core;

/// <summary>
/// The ask/tell bookkeeping every strategy shares: trial numbering, the warm-start queue, trials in flight,
/// the told history, and replay. Replay rule: when Tell receives a trial number this instance has not asked
/// yet (a fresh instance rebuilding a stored campaign), it first asks up to that number itself, so every
/// state change happens exactly as in the original run when the stored trials are told in number order.
/// This is the only replay: the engine's Study tells a fresh instance the stored outcomes and never asks for them.
/// Not thread-safe: the engine calls one strategy from one thread at a time.
/// </summary>
public abstract class StrategyBase : ISearchStrategy
{
    private readonly Queue<(ParameterSet Parameters, string Origin)> _queue = new();
    private readonly SortedDictionary<int, ParameterSet> _inFlight = new();
    private readonly HashSet<int> _toldNumbers = [];
    private readonly List<TrialOutcome> _history = [];
    private StrategyContext? _context;
    private SpaceCodec? _codec;
    private int _nextNumber;
    private int _proposals;
    private bool _replaying;
    private readonly HashSet<int> _replayAsked = [];
    private readonly List<SettingProblem> _settingProblems = [];

    protected StrategyBase(string name) => Name = name;

    public string Name { get; }
    protected StrategyContext Context => _context ?? throw NotInitialized();
    protected SpaceCodec Codec => _codec ?? throw NotInitialized();
    protected int Seed => Context.Seed;
    protected IReadOnlyList<ObjectiveDirection> Directions => Context.Directions;
    /// <summary>Told outcomes in the order they were told.</summary>
    protected IReadOnlyList<TrialOutcome> History => _history;
    /// <summary>Asked, not yet told: number → parameters (ascending numbers).</summary>
    protected IReadOnlyDictionary<int, ParameterSet> InFlight => _inFlight;
    protected int QueuedCount => _queue.Count;
    /// <summary>
    /// True while Tell replays the asks up to a stored trial: every trial then in flight below it was lost
    /// (stored trials are told in number order), so it is no answer to wait for.
    /// </summary>
    protected bool Replaying => _replaying;

    private InvalidOperationException NotInitialized() =>
        new($"search strategy '{Name}' was used before Initialize(context); the engine must initialise it with the campaign's search space first");

    public void Initialize(StrategyContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (_context is not null)
            throw new InvalidOperationException($"search strategy '{Name}' is already initialised; create a new instance for another campaign");
        if (context.Directions is null || context.Directions.Count == 0)
            throw new ArgumentException($"search strategy '{Name}': the objective has no direction; give at least one (maximize or minimize)");
        if (context.TrialBudget is <= 0)
            throw new ArgumentException($"search strategy '{Name}': the trial budget must be positive (got {context.TrialBudget})");
        _codec = new SpaceCodec(context.Space, Name);
        _context = context;
        Configure();
        if (_settingProblems.Count > 0)
            throw new ArgumentException($"search strategy '{Name}': " + string.Join("; ", _settingProblems.Select(p => p.Key.Length == 0 ? p.Message : $"setting {p}")));
    }

    /// <summary>
    /// Every problem of <paramref name="settings"/>, found by configuring this instance for a small probe space
    /// (one weight and one activation threshold); settings never depend on the space beyond their defaults.
    /// The instance is used up: create another one for a campaign.
    /// </summary>
    public IReadOnlyList<SettingProblem> ProbeSettings(JsonElement settings)
    {
        if (_context is not null)
            throw new InvalidOperationException($"search strategy '{Name}' is already initialised; probe settings on a fresh instance");
        var probe = new SearchSpace([
            new SearchDimension { Name = SpaceCodec.WeightPrefix + "probe", Low = 0, High = 2 },
            new SearchDimension { Name = SpaceCodec.ActivationPrefix + "probe", Low = 0, High = 1 },
        ]);
        _codec = new SpaceCodec(probe, Name);
        _context = new StrategyContext { Space = probe, Seed = 0, Directions = [ObjectiveDirection.Maximize], Settings = settings };
        Configure();
        return _settingProblems;
    }

    /// <summary>Reads the strategy's own settings with <see cref="ReadSettings{T}"/> (called once, from Initialize).</summary>
    protected abstract void Configure();

    /// <summary>
    /// The campaign's settings as the strategy's settings record, read and validated by <see cref="ConfigJson"/>
    /// (the record holds the defaults and ranges). Every problem is kept for Initialize / ProbeSettings to report;
    /// the defaults stand in meanwhile so Configure can finish.
    /// </summary>
    protected T ReadSettings<T>() where T : class, new() => ConfigJson.ReadSettings<T>(Context.Settings, _settingProblems);

    /// <summary>Whether the strategy can propose a point of its own now (the queue is handled here).</summary>
    protected virtual bool CanPropose => true;

    /// <summary>The strategy's own proposal for trial <paramref name="number"/> (the n-th own proposal: <paramref name="proposalIndex"/>).</summary>
    protected abstract (ParameterSet Parameters, string Origin) Propose(int number, int proposalIndex);

    /// <summary>Reacts to a told outcome; <paramref name="asked"/> is what this instance proposed for it, null for unknown trials.</summary>
    protected virtual void OnTold(TrialOutcome outcome, ParameterSet? asked) { }

    /// <summary>
    /// False for strategies whose state is only the told history (tpe, random): replay then skips computing
    /// the proposals it would discard anyway.
    /// </summary>
    protected virtual bool ReplayNeedsProposals => true;

    public bool CanAsk
    {
        get
        {
            if (_context is null) return false;
            if (!_replaying) AbandonLostReplayedTrials();
            return _queue.Count > 0 || CanPropose;
        }
    }

    public TrialSuggestion Ask()
    {
        _ = Context;
        if (!_replaying) AbandonLostReplayedTrials();
        var number = _nextNumber;
        TrialSuggestion suggestion;
        if (_queue.TryDequeue(out var queued))
            suggestion = new TrialSuggestion(number, queued.Parameters, queued.Origin);
        else
        {
            if (!CanPropose)
                throw new InvalidOperationException($"search strategy '{Name}' has nothing to propose now ({WaitReason()}); " +
                                                    "check CanAsk before Ask: false with trials in flight means tell their outcomes first, false with none means the search is finished");
            var (parameters, origin) = Propose(number, _proposals++);
            suggestion = new TrialSuggestion(number, parameters, origin);
        }
        _nextNumber++;
        _inFlight[number] = suggestion.Parameters;
        if (_replaying) _replayAsked.Add(number);
        return suggestion;
    }

    /// <summary>Why CanPropose is false (for messages).</summary>
    protected virtual string WaitReason() => _inFlight.Count > 0 ? $"waiting for {_inFlight.Count} trial(s) in flight" : "the search has finished";

    public void Tell(TrialOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        _ = Context;
        if (_toldNumbers.Contains(outcome.Number))
            throw new InvalidOperationException($"search strategy '{Name}': trial {outcome.Number} was already told; tell each trial once");
        if (outcome.Parameters is null)
            throw new ArgumentException($"search strategy '{Name}': the outcome of trial {outcome.Number} has no parameters");
        if (outcome.State == TrialState.Complete && outcome.Values is { Count: > 0 } values && values.Count != Directions.Count)
            throw new ArgumentException($"search strategy '{Name}': trial {outcome.Number} reports {values.Count} objective value(s) but the campaign has " +
                                        $"{Directions.Count} objective(s); tell one value per direction (or none for a trial without a result)");
        _toldNumbers.Add(outcome.Number);
        // Replay: ask up to this number first so the strategy's state evolves exactly as when it asked it.
        _replaying = true;
        try
        {
            while (!_inFlight.ContainsKey(outcome.Number) && outcome.Number >= _nextNumber)
            {
                if (!CanAsk)
                {
                    // A step-wise strategy waits for replayed trials that were never stored (lost when the
                    // campaign stopped): in number order they can no longer come, so they count as abandoned.
                    if (AbandonLostReplayedTrials(below: outcome.Number)) continue;
                    break;
                }
                if (_queue.Count == 0 && !ReplayNeedsProposals) { _nextNumber++; _proposals++; continue; }
                Ask();
            }
        }
        finally { _replaying = false; }
        Record(outcome);
    }

    private void Record(TrialOutcome outcome)
    {
        var asked = _inFlight.Remove(outcome.Number, out var p) ? p : null;
        _replayAsked.Remove(outcome.Number);
        _history.Add(outcome);
        OnTold(outcome, asked);
    }

    /// <summary>
    /// Trials asked during a replay and never told (gaps in the stored numbers) are told as Abandoned, once the
    /// replay has moved past them or the runner asks again; returns whether there were any.
    /// </summary>
    private bool AbandonLostReplayedTrials(int below = int.MaxValue)
    {
        var lost = _replayAsked.Where(n => n < below && _inFlight.ContainsKey(n)).Order().ToList();
        foreach (var n in lost)
        {
            _toldNumbers.Add(n);
            Record(new TrialOutcome(n, _inFlight[n], TrialState.Abandoned, []));
        }
        return lost.Count > 0;
    }

    public void Enqueue(ParameterSet parameters, string origin)
    {
        _ = Context;
        _queue.Enqueue((Codec.Validate(parameters, Name, $"the enqueued point '{origin}'"), origin ?? ""));
    }

    /// <summary>Outcomes usable as observations: the parameters cover exactly the space and lie inside it.</summary>
    protected bool FitsSpace(TrialOutcome o) => Codec.IsComplete(o.Parameters);
}
