using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// A threshold vector's accuracy cost predicted without running the network: the sum of its thresholds' smoothed drops alone
/// (<see cref="SweptDropCurves"/>) mapped by a least-squares line onto how far the told trials passed the local search's target
/// (their counted drop minus the target), fitted on the complete trials with several thresholds pruned, and shifted by the median
/// residual of the latest <see cref="RecentTrials"/> of them (the line is fitted over the whole campaign; the shift keeps it true
/// where the search is now). Smoothed drops add up over the layers; counted drops, a few hundred flipped images, do not.
/// </summary>
public sealed class AdditiveDropModel
{
    /// <summary>Complete multi-threshold trials needed before the line is fitted.</summary>
    public const int MinimumTrials = 5;
    /// <summary>The latest multi-threshold trials whose median residual shifts the line.</summary>
    public const int RecentTrials = 10;

    private readonly SweptDropCurves _curves;
    private readonly double _intercept, _slope;

    private AdditiveDropModel(SweptDropCurves curves, double intercept, double slope) =>
        (_curves, _intercept, _slope) = (curves, intercept, slope);

    /// <summary>
    /// The model of <paramref name="history"/>, or null when some threshold has no swept smoothed drop, fewer than
    /// <see cref="MinimumTrials"/> trials can fit the line, or the line does not rise with the sum.
    /// </summary>
    /// <param name="overTarget">How far a complete trial's drop passed the target (points; ≤ 0: within it), null when unknown.</param>
    public static AdditiveDropModel? Fit(ThresholdScale scale, IReadOnlyList<TrialOutcome> history, Func<TrialOutcome, double?> overTarget)
    {
        if (SweptDropCurves.Of(scale, history) is not { } curves) return null;
        var pairs = history.Where(o => o.State == TrialState.Complete && LayerInfluence.PrunedAlone(scale, o.Parameters) == LayerInfluence.Several)
            .Select(o => (o.Number, X: curves.Sum(d => scale.FractionOf(d, o.Parameters)), Y: overTarget(o))).Where(p => p.Y is { } y && double.IsFinite(y))
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

    /// <summary>How far the point at these fractions is predicted to pass the target (points; ≤ 0: within it).</summary>
    public double OverTarget(Func<int, double> fractionOf) => _intercept + _slope * _curves.Sum(fractionOf);
}
