using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// How much of the board each threshold frees when pruned alone, from the sensitivity sweep's probes: a layer whose share of zero
/// products rises from s₀ to s runs on (1 − s) / (1 − s₀) of the work, so at the same speed it needs that share of its resources.
/// A probe's gain is the sum over the layers of <c>resource:&lt;layer&gt;</c> (the layer's share of the resource that binds a
/// reference design, DSPs or LUTs) × (s − s₀) / (1 − s₀), s₀ the layer's lowest sparsity in the sweep. Per dimension, a
/// non-decreasing curve through the origin and its probes, linear between them and flat past the last.
/// </summary>
public sealed class SweptHardwareGains
{
    private readonly Dictionary<int, (double Fraction, double Gain)[]> _curves;

    private SweptHardwareGains(Dictionary<int, (double, double)[]> curves) => _curves = curves;

    /// <summary>
    /// The curves of <paramref name="history"/>'s sweep probes weighed by <paramref name="reference"/>'s resource shares, or null when
    /// the reference reports none or no probe reports layer sparsities.
    /// </summary>
    public static SweptHardwareGains? Of(ThresholdScale scale, IReadOnlyList<TrialOutcome> history, TrialOutcome reference)
    {
        var shares = LayerMetrics.Of(reference, OutcomeMetrics.ResourcePrefix).Where(s => s.Value > 0).ToDictionary(s => s.Layer, s => s.Value);
        var probes = history.Where(o => LayerInfluence.PrunedAlone(scale, o.Parameters) != LayerInfluence.Several)
            .Select(o => (Outcome: o, Sparsity: LayerMetrics.Of(o, OutcomeMetrics.SparsityPrefix).ToDictionary(s => s.Layer, s => s.Value)))
            .Where(p => p.Sparsity.Count > 0).ToList();
        if (shares.Count == 0 || probes.Count == 0) return null;
        var floor = LayerMetrics.LowestSparsity(probes.Select(p => p.Outcome));
        double Gain(Dictionary<string, double> sparsity) => sparsity.Sum(s =>
            shares.TryGetValue(s.Key, out var share) && floor[s.Key] < 1 ? share * Math.Max(0, s.Value - floor[s.Key]) / (1 - floor[s.Key]) : 0);
        var curves = new Dictionary<int, (double, double)[]>();
        foreach (var d in scale.ThresholdDims)
        {
            var highest = 0.0;
            curves[d] = probes.Where(p => LayerInfluence.PrunedAlone(scale, p.Outcome.Parameters) == d)
                .Select(p => (Fraction: scale.FractionOf(d, p.Outcome.Parameters), Gain: Gain(p.Sparsity))).OrderBy(p => p.Fraction)
                .Select(p => (p.Fraction, highest = Math.Max(highest, p.Gain))).Prepend((0.0, 0.0)).ToArray();
        }
        return new SweptHardwareGains(curves);
    }

    /// <summary>Dimension <paramref name="d"/>'s gain when pruned alone at <paramref name="fraction"/> (a share of the binding resource).</summary>
    public double Alone(int d, double fraction)
    {
        if (!_curves.TryGetValue(d, out var curve) || fraction <= 0) return 0;
        for (var i = 1; i < curve.Length; i++)
        {
            var ((x0, y0), (x1, y1)) = (curve[i - 1], curve[i]);
            if (fraction <= x1) return x1 <= x0 ? y1 : y0 + (y1 - y0) * (fraction - x0) / (x1 - x0);
        }
        return curve[^1].Gain;
    }
}
