using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// A threshold vector's accuracy cost predicted without running the network. Each threshold's smoothed drop when pruned
/// alone (metric <c>smoothedDrop</c> of the sensitivity sweep's probes) gives a per-dimension curve through the origin and
/// the probes, kept non-decreasing: a power law between neighbouring probes and from the origin to the first (pruning costs
/// little at small thresholds and fast near the limit, so straight lines over-state the cost of the moderate thresholds a
/// search combines, several times over on a bisection's coarse probes). The curves' sum is then mapped by a least-squares line onto how far the
/// told trials passed the local search's target (their counted drop minus the target), fitted on the complete trials with
/// several thresholds pruned, and shifted by the median residual of the latest <see cref="RecentTrials"/> of them (the line is
/// fitted over the whole campaign; the shift keeps it true where the search is now). Smoothed drops add up over the layers (the sum follows the whole vector's smoothed drop with a
/// correlation of 0.96–0.99 on the shipped models); counted drops, a few hundred flipped images, do not.
/// </summary>
public sealed class AdditiveDropModel
{
    /// <summary>Complete multi-threshold trials needed before the line is fitted.</summary>
    public const int MinimumTrials = 5;
    /// <summary>The latest multi-threshold trials whose median residual shifts the line.</summary>
    public const int RecentTrials = 10;

    /// <summary>The power of the first segment when the probes do not give one, and the range any segment's power is kept in.</summary>
    private const double DefaultPower = 2, MinimumPower = 1, MaximumPower = 4;

    private readonly Dictionary<int, (double Fraction, double Drop)[]> _curves;
    private readonly double _intercept, _slope;

    private AdditiveDropModel(Dictionary<int, (double, double)[]> curves, double intercept, double slope) =>
        (_curves, _intercept, _slope) = (curves, intercept, slope);

    /// <summary>
    /// The model of <paramref name="history"/>, or null when some threshold has no swept smoothed drop, fewer than
    /// <see cref="MinimumTrials"/> trials can fit the line, or the line does not rise with the sum.
    /// </summary>
    /// <param name="overTarget">How far a complete trial's drop passed the target (points; ≤ 0: within it), null when unknown.</param>
    public static AdditiveDropModel? Fit(ThresholdScale scale, IReadOnlyList<TrialOutcome> history, Func<TrialOutcome, double?> overTarget)
    {
        var pruned = history.Select(o => (Outcome: o, Alone: LayerInfluence.PrunedAlone(scale, o.Parameters))).ToList();
        var probesOf = pruned.Where(p => Smoothed(p.Outcome) is not null).ToLookup(p => p.Alone, p => p.Outcome);
        var curves = new Dictionary<int, (double, double)[]>();
        foreach (var d in scale.ThresholdDims)
        {
            var probes = probesOf[d].Select(o => (Fraction: scale.FractionOf(d, o.Parameters), Drop: Smoothed(o)!.Value)).OrderBy(p => p.Fraction).ToList();
            if (probes.Count == 0) return null;
            curves[d] = NonDecreasing([(0.0, 0.0), .. probes]);
        }
        var unfitted = new AdditiveDropModel(curves, 0, 1);
        var pairs = pruned.Where(p => p.Outcome.State == TrialState.Complete && p.Alone == LayerInfluence.Several).Select(p => p.Outcome)
            .Select(o => (o.Number, X: unfitted.Sum(scale, o.Parameters), Y: overTarget(o))).Where(p => p.Y is { } y && double.IsFinite(y))
            .Select(p => (p.Number, p.X, Y: p.Y!.Value)).ToList();
        if (pairs.Count < MinimumTrials) return null;
        var (meanX, meanY) = (pairs.Average(p => p.X), pairs.Average(p => p.Y));
        var sxx = pairs.Sum(p => (p.X - meanX) * (p.X - meanX));
        var slope = sxx > 0 ? pairs.Sum(p => (p.X - meanX) * (p.Y - meanY)) / sxx : 0;
        if (slope <= 0) return null;
        var intercept = meanY - slope * meanX;
        var recent = pairs.OrderByDescending(p => p.Number).Take(RecentTrials).Select(p => p.Y - intercept - slope * p.X);
        return new AdditiveDropModel(curves, intercept + Statistics.Median(recent), slope);
    }

    /// <summary>The sum of the thresholds' smoothed drops alone at <paramref name="point"/>'s fractions.</summary>
    public double Sum(ThresholdScale scale, ParameterSet point) => Sum(d => scale.FractionOf(d, point));

    public double Sum(Func<int, double> fractionOf) => _curves.Sum(curve => Interpolate(curve.Value, fractionOf(curve.Key)));

    /// <summary>How far the point at these fractions is predicted to pass the target (points; ≤ 0: within it).</summary>
    public double OverTarget(Func<int, double> fractionOf) => _intercept + _slope * Sum(fractionOf);

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
