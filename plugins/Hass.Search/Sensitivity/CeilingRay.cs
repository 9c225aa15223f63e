using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Search along the sensitivity-shaped ray for accuracy: every threshold dimension at s × the fraction it tolerated alone, s from 1
/// (the ceiling point) down, <c>depth</c> probes in all (<see cref="BracketedRay"/>). Unlike uniform's rays, the ray prunes robust
/// layers more than fragile ones. The best feasible probe seeds the tpe phase.
/// </summary>
public sealed class CeilingRay(ThresholdScale scale, SensitivitySweep sweep, AccuracyGuard guard, int depth) : BracketedRay(guard, depth)
{
    public const string CeilingOrigin = "sensitivity:ceiling";
    public const string RayOrigin = "sensitivity:ray";

    protected override (double Scale, string Origin) First => (1.0, CeilingOrigin);

    protected override string Origin => RayOrigin;

    public override ParameterSet PointAt(double s) => scale.At(d => s * sweep.Tolerated(d));

    /// <summary>
    /// The ray scale of a point (read on its threshold dimension with the largest tolerated fraction, a float one
    /// if any), or null when the point is not on the ray.
    /// </summary>
    protected override double? ScaleOf(ParameterSet point)
    {
        var reference = scale.ThresholdDims.Where(d => sweep.Tolerated(d) > 0)
            .OrderByDescending(scale.IsFloat).ThenByDescending(sweep.Tolerated).ThenBy(d => d).Select(d => (int?)d).FirstOrDefault();
        if (reference is not { } d) return null;
        var s = ThresholdScale.OnDyadicGrid(scale.FractionOf(d, point) / sweep.Tolerated(d));
        return PointAt(s).Equals(point) ? s : null;
    }
}
