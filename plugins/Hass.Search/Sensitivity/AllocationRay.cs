using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Search for accuracy along the hardware-weighted allocations of an accuracy budget (<see cref="BudgetAllocation"/>): the point at
/// scale s spends s × the predicted cost of every threshold at its sweep limit where it frees the most of the resource that binds
/// the design. It starts at the budget the ceiling ray's best feasible point spends (the same predicted cost, spent where it buys
/// more hardware), then bisects for accuracy (<see cref="BracketedRay"/>). Built once the ceiling ray has asked its probes.
/// </summary>
public sealed class AllocationRay : BracketedRay
{
    public const string AllocationOrigin = "sensitivity:allocation";

    private readonly ThresholdScale _scale;
    private readonly BudgetAllocation _allocation;
    private readonly double _first;
    private readonly Dictionary<double, ParameterSet> _points = [];

    private AllocationRay(ThresholdScale scale, BudgetAllocation allocation, double first, AccuracyGuard guard, int depth) : base(guard, depth) =>
        (_scale, _allocation, _first) = (scale, allocation, first);

    /// <summary>
    /// The ray for <paramref name="history"/> (the sweep's probes with smoothed drops and layer sparsities; the fastest feasible
    /// design with resource shares), or null when the history lacks any of them or no threshold costs accuracy.
    /// </summary>
    public static AllocationRay? Build(ThresholdScale scale, SensitivitySweep sweep, CeilingRay ceiling, IReadOnlyList<TrialOutcome> history,
                                       IReadOnlyList<ObjectiveDirection> directions, AccuracyGuard guard, int depth)
    {
        if (depth <= 0 || SweptDropCurves.Of(scale, history) is not { } drops) return null;
        var reference = history.Where(o => guard.IsFeasible(o) && Ranking.Losses(o, directions) is not null
                                           && o.Metrics is { } metrics && metrics.Keys.Any(k => k.StartsWith(OutcomeMetrics.ResourcePrefix, StringComparison.Ordinal)))
            .OrderBy(o => Ranking.Losses(o, directions)![0]).ThenBy(o => o.Number).FirstOrDefault();
        if (reference is null || SweptHardwareGains.Of(scale, history, reference) is not { } gains) return null;
        var allocation = new BudgetAllocation(scale.ThresholdDims.ToDictionary(d => d, sweep.Tolerated), drops.Alone, gains.Alone);
        if (!(allocation.MaximumCost > 0)) return null;
        var rayCost = drops.Sum(d => ceiling.LargestFeasibleScale * sweep.Tolerated(d));
        var first = rayCost > 0 ? Math.Clamp(rayCost / allocation.MaximumCost, 1e-3, 1) : 0.5;
        return new AllocationRay(scale, allocation, first, guard, depth);
    }

    protected override (double Scale, string Origin) First => (_first, AllocationOrigin);

    protected override string Origin => AllocationOrigin;

    public override ParameterSet PointAt(double s)
    {
        if (_points.TryGetValue(s, out var point)) return point;
        var fractions = _allocation.At(s * _allocation.MaximumCost);
        return _points[s] = _scale.At(d => fractions.TryGetValue(d, out var f) ? f : 0);
    }

    /// <summary>The scale this ray asked a point at, or null: the allocation is not inverted, so a point it never asked is not on it.</summary>
    protected override double? ScaleOf(ParameterSet point) =>
        _points.Where(p => p.Value.Equals(point)).Select(p => (double?)p.Key).FirstOrDefault();
}
