using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;
using Hass.Search.Tpe;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Sensitivity-guided TPE, the HASS-aware default: (1) a per-layer sensitivity sweep (each threshold dimension
/// pruned alone, bisected for accuracy, see <see cref="SensitivitySweep"/>); (2) a bisection along the ray of
/// the sweep's per-layer limits, starting at the ceiling (see <see cref="CeilingRay"/>); (3) a bisection along the
/// hardware-weighted allocations of the accuracy budget (see <see cref="AllocationRay"/>; off by default); (4) tpe on the space narrowed to each
/// dimension's limit, warm-started with every trial told so far. A generic optimiser spends most of a
/// many-layer budget on points where one fragile layer breaks the tolerance; the narrowed space removes them.
/// In phase (4) a share of the proposals are bottleneck-directed local moves around the incumbent (<see cref="BottleneckSearch"/>).
/// During the sweep it asks whenever some unfinished layer has no probe in flight. The ray asks as soon as the sweep is
/// done, one probe per free slot (a k-section with k − 1 probes pending). The allocation ray is built from every answer before
/// it, so it waits for the ray's last probes; once its own depth is used up by answered and pending probes, tpe starts and fills
/// the free slots while its last probes run. With one trial at a time this is exactly sweep, then two bisections, then tpe.
/// </summary>
public sealed class SensitivityStrategy() : StrategyBase("sensitivity")
{
    private SensitivitySettings _settings = null!;
    private ThresholdScale _scale = null!;
    private SensitivitySweep _sweep = null!;
    private CeilingRay _ray = null!;
    private AllocationRay? _allocation;
    private bool _allocationBuilt;
    private bool? _sweptCurvesExist; // the sweep's probes, all told before the ray starts, decide it once
    private AccuracyGuard _guard = null!;
    private readonly Queue<BatchItem> _batch = new();
    private readonly Dictionary<int, object> _probes = [];
    private TpeStrategy? _tpe;
    private BottleneckSearch? _local;
    private readonly Dictionary<int, int> _tpeNumber = [];
    private int _nextObservation = -1;

    /// <summary>The space the tpe phase searches (null during the sweep).</summary>
    public SearchSpace? NarrowedSpace { get; private set; }

    /// <summary>The bottleneck-directed local search (null until the ray has been asked).</summary>
    public BottleneckSearch? LocalSearch => _local;

    protected override void Configure()
    {
        _scale = new ThresholdScale(Codec);
        _settings = ReadSettings<SensitivitySettings>();
        _guard = new AccuracyGuard(_settings.Tolerance);
        _sweep = new SensitivitySweep(_scale, _guard, _settings.Depth(_scale.ThresholdDims.Count, Context.TrialBudget));
        _ray = new CeilingRay(_scale, _sweep, _guard, _scale.ThresholdDims.Count == 0 ? 0 : _settings.RayDepth);
    }

    protected override bool CanPropose
    {
        get
        {
            if (_batch.Count > 0) return true;
            if (!_sweep.Done)
            {
                if (_sweep.NextFree(SweepDimensionsInFlight()) is not { } step) return false;
                _batch.Enqueue(step);
                return true;
            }
            if (_ray.Next(RayScalesInFlight(_ray)) is { } probe) _batch.Enqueue(probe);
            else if (WaitingForTheRay()) return false;
            else if (AllocationProbe() is { } allocationProbe) _batch.Enqueue(allocationProbe);
            else StartTpe();
            return true;
        }
    }

    protected override string WaitReason() => _sweep.Done
        ? $"waiting for {InFlight.Count} ray probe(s) in flight: the allocation ray is built from all of their answers"
        : $"waiting for {InFlight.Count} sweep probe(s) in flight: every unfinished layer has one";

    /// <summary>
    /// Whether the allocation ray waits for the ceiling ray's probes in flight: it is built once from every answer before it, so a
    /// resumed campaign (told in number order) builds the same one.
    /// </summary>
    private bool WaitingForTheRay() =>
        !_allocationBuilt && _settings.AllocationDepth > 0 && RayScalesInFlight(_ray).Count > 0
        && (_sweptCurvesExist ??= SweptDropCurves.Of(_scale, History) is not null);

    private HashSet<int> SweepDimensionsInFlight() =>
        _probes.Values.OfType<SensitivitySweep.Probe>().Select(probe => probe.Dimension).ToHashSet();

    /// <summary>Scales of <paramref name="ray"/>'s probes in flight; none during a replay, whose trials in flight were lost.</summary>
    private List<double> RayScalesInFlight(BracketedRay ray) =>
        Replaying ? [] : _probes.Values.OfType<BracketedRay.Probe>().Where(probe => probe.Ray == ray).Select(probe => probe.Scale).ToList();

    /// <summary>The allocation ray's next probe, the ray built from the history when the ceiling ray has asked its last probe.</summary>
    private BatchItem? AllocationProbe()
    {
        if (!_allocationBuilt)
        {
            _allocationBuilt = true;
            _allocation = AllocationRay.Build(_scale, _sweep, _ray, History, Directions, _guard, _settings.AllocationDepth);
        }
        return _allocation?.Next(RayScalesInFlight(_allocation));
    }

    protected override (ParameterSet Parameters, string Origin) Propose(int number, int proposalIndex)
    {
        if (_batch.TryDequeue(out var item))
        {
            _probes[number] = item.Tag!;
            return (item.Parameters, item.Origin);
        }
        if (_local!.TakesTurn()) return (_local.Propose(number, History, InFlight.Values), BottleneckSearch.Origin);
        var suggestion = _tpe!.Ask();
        _tpeNumber[number] = suggestion.Number;
        var origin = suggestion.Origin.StartsWith("sensitivity:", StringComparison.Ordinal) ? suggestion.Origin : "sensitivity:" + suggestion.Origin;
        return (suggestion.Parameters, origin);
    }

    protected override void OnTold(TrialOutcome outcome, ParameterSet? asked)
    {
        if (_probes.Remove(outcome.Number, out var tag))
        {
            var judged = _settings.SearchMarginScope == SearchMarginScope.All ? Tightened(outcome) : outcome;
            if (tag is SensitivitySweep.Probe sweepProbe) _sweep.Record(sweepProbe, judged);
            else if (tag is BracketedRay.Probe rayProbe) rayProbe.Ray.Record(rayProbe, judged);
        }
        if (_tpe is null) return;
        // Trials tpe asked are told under its own number; everything else (warm starts, earlier campaigns) as an observation.
        var number = _tpeNumber.Remove(outcome.Number, out var own) ? own
            : _local!.Owns(outcome.Number) ? BottleneckSearch.ObservationNumber(outcome.Number) : _nextObservation--;
        _tpe.Tell(Retarget(outcome) with { Number = number });
    }

    /// <summary>
    /// With a <c>tolerance</c> setting, tpe ranks feasibility against it (accuracyDrop − tolerance) instead of the engine's
    /// constraint: the campaign sets it to toleranceTop1 − pickMargin, so the budget goes to designs the final pick may choose. A trial
    /// that failed its confirmation keeps the engine's (infeasible) verdict.
    /// </summary>
    private TrialOutcome Retarget(TrialOutcome outcome) =>
        _settings.Tolerance is { } tolerance && !Confirmation.Failed(outcome) && outcome.Metrics is { } metrics && metrics.TryGetValue(AccuracyGuard.AccuracyDropKey, out var drop) && double.IsFinite(drop)
            ? outcome with { ConstraintViolation = drop - tolerance }
            : Tightened(outcome);

    /// <summary>
    /// With a <c>searchMargin</c>, the engine's violation plus that margin, so the phases of <c>searchMarginScope</c> count as feasible only
    /// what keeps the margin (the engine's calibration of the search-split drops is kept). Confirmed trials keep the engine's verdict: their
    /// confirmation already applied the final pick's limit.
    /// </summary>
    private TrialOutcome Tightened(TrialOutcome outcome) =>
        _settings.SearchMargin > 0 && Confirmation.Of(outcome) is null && double.IsFinite(outcome.ConstraintViolation)
            ? outcome with { ConstraintViolation = outcome.ConstraintViolation + _settings.SearchMargin }
            : outcome;

    /// <summary>Narrows every threshold dimension to the sweep's limit, then hands tpe the history (sweep and ray included).</summary>
    private void StartTpe()
    {
        if (_tpe is not null) return;
        NarrowedSpace = new SearchSpace(Codec.Dimensions.Select((dim, d) => Codec.GroupOf(d) == ThresholdGroup.None
            ? dim
            : dim with { High = Codec.AtFraction(d, _sweep.Limit(d)) }).ToList());
        _tpe = new TpeStrategy();
        var remaining = Context.TrialBudget is { } budget ? Math.Max(1, budget - History.Count(o => o.Number >= 0) - InFlight.Count) : (int?)null;
        _tpe.Initialize(new StrategyContext
        {
            Space = NarrowedSpace, Seed = Seed, Directions = Directions, TrialBudget = remaining, Settings = _settings.TpeSettings(),
        });
        foreach (var outcome in History) _tpe.Tell(Retarget(outcome) with { Number = _nextObservation-- });
        _local = new BottleneckSearch(Codec, _scale, _sweep, _settings.Bottleneck(), Directions, Seed, History);
    }
}
