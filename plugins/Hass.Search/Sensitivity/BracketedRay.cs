using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// A search for accuracy along a one-parameter family of threshold vectors (a *ray*, scale s in [0, 1], more pruning at larger s),
/// <c>depth</c> probes in all, the first at <see cref="FirstScale"/>. Each later probe goes to the middle of the widest stretch of
/// the bracket [largest feasible s, smallest infeasible s] that the probes in flight leave open, so with one trial in flight it is
/// a bisection and with k in flight a k-section: every slot gets a probe while answers are pending.
/// </summary>
public abstract class BracketedRay(AccuracyGuard guard, int depth)
{
    private double _low;      // largest scale known feasible
    private double _high = 1; // smallest scale known infeasible
    private int _answered;

    /// <summary>Tag of a ray probe: the ray that asked it and its scale.</summary>
    public sealed record Probe(BracketedRay Ray, double Scale);

    /// <summary>The largest scale whose probe was feasible (0 when none was).</summary>
    public double LargestFeasibleScale => _low;

    /// <summary>The scale of the first probe, and its origin.</summary>
    protected abstract (double Scale, string Origin) First { get; }

    /// <summary>The origin of every later probe.</summary>
    protected abstract string Origin { get; }

    /// <summary>The threshold vector at scale <paramref name="s"/>.</summary>
    public abstract ParameterSet PointAt(double s);

    /// <summary>The scale of a told point, or null when the point is not on this ray.</summary>
    protected abstract double? ScaleOf(ParameterSet point);

    /// <summary>
    /// The next probe given the scales of this ray's probes in flight, or null when the ray has no probe to add: its depth is used up
    /// by answered and pending probes, or the bracket is closed.
    /// </summary>
    public BatchItem? Next(IReadOnlyCollection<double> pendingScales)
    {
        if (_answered + pendingScales.Count >= depth || _high <= _low) return null;
        if (_answered == 0 && pendingScales.Count == 0)
        {
            var (first, origin) = First;
            return new BatchItem(PointAt(first), origin, new Probe(this, first));
        }
        var s = MiddleOfWidestGap(pendingScales);
        return new BatchItem(PointAt(s), Origin, new Probe(this, s));
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
    /// Narrows the bracket with a told probe. The scale is read from the told point when it differs from the tag's: a resumed
    /// campaign replays asks with every earlier trial told, so with several trials in flight the original run may have asked this
    /// trial at another scale than the replay's tag says. A told point that is not on the ray teaches the ray nothing.
    /// </summary>
    public void Record(Probe probe, TrialOutcome outcome)
    {
        if (outcome.State == TrialState.Abandoned) return;
        if ((PointAt(probe.Scale).Equals(outcome.Parameters) ? probe.Scale : ScaleOf(outcome.Parameters)) is not { } s) return;
        _answered++;
        if (guard.IsFeasible(outcome)) _low = Math.Max(_low, s);
        else _high = Math.Min(_high, s);
    }
}
