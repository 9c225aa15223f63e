using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Bisection along the sensitivity-shaped ray: every threshold dimension at s × the fraction it tolerated
/// alone, s from 1 (the ceiling point) down, one probe per step, for accuracy. Unlike uniform's rays, the
/// ray prunes robust layers more than fragile ones. The best feasible probe seeds the tpe phase.
/// </summary>
public sealed class CeilingRay(ThresholdScale scale, SensitivitySweep sweep, AccuracyGuard guard, int depth)
{
    public const string CeilingOrigin = "sensitivity:ceiling";
    public const string RayOrigin = "sensitivity:ray";

    private double _low;      // largest scale known feasible
    private double _high = 1; // smallest scale known infeasible
    private int _probes;

    /// <summary>Tag of a ray probe.</summary>
    public sealed record Probe(double Scale);

    /// <summary>The next probe (the ceiling first), or null when the bisection is done.</summary>
    public BatchItem? Next()
    {
        if (_probes >= depth || _high <= _low) return null;
        var s = _probes == 0 ? 1.0 : 0.5 * (_low + _high);
        return new BatchItem(PointAt(s), _probes == 0 ? CeilingOrigin : RayOrigin, new Probe(s));
    }

    public void Record(Probe probe, TrialOutcome outcome)
    {
        if (outcome.State == TrialState.Abandoned) return;
        _probes++;
        if (guard.IsFeasible(outcome)) _low = Math.Max(_low, probe.Scale);
        else _high = Math.Min(_high, probe.Scale);
    }

    public ParameterSet PointAt(double s) => scale.At(d => s * sweep.Tolerated(d));
}
