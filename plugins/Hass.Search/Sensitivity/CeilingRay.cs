using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Search along the sensitivity-shaped ray for accuracy: every threshold dimension at s × the fraction it
/// tolerated alone, s from 1 (the ceiling point) down, <c>depth</c> probes in all. Each probe goes to the middle
/// of the widest stretch of the bracket [largest feasible s, smallest infeasible s] that the probes in flight
/// leave open, so with one trial in flight it is a bisection and with k in flight a k-section: every slot gets a
/// probe while answers are pending. Unlike uniform's rays, the ray prunes robust layers more than fragile ones.
/// The best feasible probe seeds the tpe phase.
/// </summary>
public sealed class CeilingRay(ThresholdScale scale, SensitivitySweep sweep, AccuracyGuard guard, int depth)
{
    public const string CeilingOrigin = "sensitivity:ceiling";
    public const string RayOrigin = "sensitivity:ray";

    private double _low;      // largest scale known feasible
    private double _high = 1; // smallest scale known infeasible
    private int _answered;

    /// <summary>Tag of a ray probe.</summary>
    public sealed record Probe(double Scale);

    /// <summary>
    /// The next probe given the scales of the ray probes in flight (the ceiling first), or null when the ray has
    /// no probe to add: its depth is used up by answered and pending probes, or the bracket is closed.
    /// </summary>
    public BatchItem? Next(IReadOnlyCollection<double> pendingScales)
    {
        if (_answered + pendingScales.Count >= depth || _high <= _low) return null;
        if (_answered == 0 && pendingScales.Count == 0)
            return new BatchItem(PointAt(1.0), CeilingOrigin, new Probe(1.0));
        var s = MiddleOfWidestGap(pendingScales);
        return new BatchItem(PointAt(s), RayOrigin, new Probe(s));
    }

    /// <summary>The middle of the widest stretch between the bracket's ends and the pending scales inside it (the upper one on a tie).</summary>
    private double MiddleOfWidestGap(IReadOnlyCollection<double> pendingScales)
    {
        var cuts = pendingScales.Where(s => s > _low && s < _high).Append(_low).Append(_high).Distinct().Order().ToList();
        var (from, to) = (cuts[0], cuts[1]);
        for (var i = 1; i < cuts.Count - 1; i++)
            if (cuts[i + 1] - cuts[i] >= to - from) (from, to) = (cuts[i], cuts[i + 1]);
        return 0.5 * (from + to);
    }

    /// <summary>
    /// Narrows the bracket with a told probe. The scale is read from the told point when it differs from the
    /// tag's: a resumed campaign replays asks with every earlier trial told, so with several trials in flight
    /// the original run may have asked this trial at another scale than the replay's tag says. A told point
    /// that is not on the ray teaches the ray nothing.
    /// </summary>
    public void Record(Probe probe, TrialOutcome outcome)
    {
        if (outcome.State == TrialState.Abandoned) return;
        if ((PointAt(probe.Scale).Equals(outcome.Parameters) ? probe.Scale : ScaleOf(outcome.Parameters)) is not { } s) return;
        _answered++;
        if (guard.IsFeasible(outcome)) _low = Math.Max(_low, s);
        else _high = Math.Min(_high, s);
    }

    public ParameterSet PointAt(double s) => scale.At(d => s * sweep.Tolerated(d));

    /// <summary>
    /// The ray scale of a point (read on its threshold dimension with the largest tolerated fraction, a float one
    /// if any), or null when the point is not on the ray.
    /// </summary>
    private double? ScaleOf(ParameterSet point)
    {
        var reference = scale.ThresholdDims.Where(d => sweep.Tolerated(d) > 0)
            .OrderByDescending(scale.IsFloat).ThenByDescending(sweep.Tolerated).ThenBy(d => d).Select(d => (int?)d).FirstOrDefault();
        if (reference is not { } d) return null;
        var s = ThresholdScale.OnDyadicGrid(scale.FractionOf(d, point) / sweep.Tolerated(d));
        return PointAt(s).Equals(point) ? s : null;
    }
}
