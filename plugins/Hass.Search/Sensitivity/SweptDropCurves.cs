using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Each threshold's smoothed drop when pruned alone, from the sensitivity sweep's probes (metric <c>smoothedDrop</c>): a curve per
/// dimension through the origin and the probes, kept non-decreasing. Between neighbouring probes, and from the origin to the first,
/// it is a power law: pruning costs little at small thresholds and fast near the limit, so straight lines over-state the cost of the
/// moderate thresholds a search combines, several times over on a bisection's coarse probes. Smoothed drops add up over the layers
/// (the sum follows the whole vector's smoothed drop with a correlation of 0.96–0.99 on the shipped models), so the curves' sum
/// predicts a threshold vector's cost without running the network.
/// </summary>
public sealed class SweptDropCurves
{
    /// <summary>The power of the first segment when the probes do not give one, and the range any segment's power is kept in.</summary>
    private const double DefaultPower = 2, MinimumPower = 1, MaximumPower = 4;

    private readonly Dictionary<int, (double Fraction, double Drop)[]> _curves;

    private SweptDropCurves(Dictionary<int, (double, double)[]> curves) => _curves = curves;

    /// <summary>The curves of <paramref name="history"/>'s sweep probes, or null when some threshold has no probe with a smoothed drop.</summary>
    public static SweptDropCurves? Of(ThresholdScale scale, IEnumerable<TrialOutcome> history)
    {
        var probesOf = history.Where(o => Smoothed(o) is not null).ToLookup(o => LayerInfluence.PrunedAlone(scale, o.Parameters));
        var curves = new Dictionary<int, (double, double)[]>();
        foreach (var d in scale.ThresholdDims)
        {
            var probes = probesOf[d].Select(o => (Fraction: scale.FractionOf(d, o.Parameters), Drop: Smoothed(o)!.Value)).OrderBy(p => p.Fraction).ToList();
            if (probes.Count == 0) return null;
            curves[d] = NonDecreasing([(0.0, 0.0), .. probes]);
        }
        return new SweptDropCurves(curves);
    }

    /// <summary>Dimension <paramref name="d"/>'s smoothed drop when pruned alone at <paramref name="fraction"/> (0 for a dimension without a curve).</summary>
    public double Alone(int d, double fraction) => _curves.TryGetValue(d, out var curve) ? Interpolate(curve, fraction) : 0;

    /// <summary>The sum of the thresholds' drops alone at these fractions.</summary>
    public double Sum(Func<int, double> fractionOf) => _curves.Sum(curve => Interpolate(curve.Value, fractionOf(curve.Key)));

    private static double? Smoothed(TrialOutcome o) =>
        o.Metrics is { } m && m.TryGetValue(OutcomeMetrics.SmoothedDrop, out var drop) && double.IsFinite(drop) ? drop : null;

    private static (double, double)[] NonDecreasing(List<(double Fraction, double Drop)> points)
    {
        var highest = double.NegativeInfinity;
        return points.Select(p => (p.Fraction, highest = Math.Max(highest, p.Drop))).ToArray();
    }

    /// <summary>
    /// Between two probes with positive drops, the power law through both; from the origin to the first probe, a power law with the
    /// first two probes' power (else <see cref="DefaultPower"/>); linear where a drop is not positive; past the last probe, the last
    /// segment's law continued (its power kept within 1–4).
    /// </summary>
    private static double Interpolate((double Fraction, double Drop)[] curve, double fraction)
    {
        if (fraction <= 0 || curve.Length < 2) return 0;
        var segment = 1;
        while (segment < curve.Length - 1 && fraction > curve[segment].Fraction) segment++;
        var (x0, y0) = curve[segment - 1];
        var (x1, y1) = curve[segment];
        if (x1 <= x0) return y1;
        if (segment == 1) return y1 <= 0 ? y1 * fraction / x1 : y1 * Math.Pow(fraction / x1, FirstPower(curve));
        if (y0 <= 0 || y1 <= 0) return y0 + (y1 - y0) * (fraction - x0) / (x1 - x0);
        var power = Power(x0, y0, x1, y1);
        return y0 * Math.Pow(fraction / x0, fraction > x1 ? Math.Clamp(power, MinimumPower, MaximumPower) : power);
    }

    private static double FirstPower((double Fraction, double Drop)[] curve) =>
        curve.Length > 2 && curve[1].Drop > 0 && curve[2].Drop > 0 && curve[2].Fraction > curve[1].Fraction
            ? Math.Clamp(Power(curve[1].Fraction, curve[1].Drop, curve[2].Fraction, curve[2].Drop), MinimumPower, MaximumPower) : DefaultPower;

    private static double Power(double x0, double y0, double x1, double y1) => Math.Log(y1 / y0) / Math.Log(x1 / x0);
}
