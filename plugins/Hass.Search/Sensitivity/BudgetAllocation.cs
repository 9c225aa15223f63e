namespace Hass.Search.Sensitivity;

/// <summary>
/// Splits an accuracy budget over the thresholds where it frees the most hardware. Each threshold takes one of a grid of fractions
/// up to the one it tolerated alone, each with a predicted cost (<see cref="SweptDropCurves"/>: smoothed drops add up over the
/// layers) and a gain (<see cref="SweptHardwareGains"/>). From every threshold unpruned, the allocation repeatedly takes the
/// threshold's raise that frees the most per point of cost (a raise may jump several grid steps, so a flat stretch of a gain
/// curve does not hide the rise after it), while the total cost fits the budget. The order of the raises does not depend on the
/// budget, so a larger budget never prunes less. The budget goes first where a point of accuracy buys the most resources, which
/// neither uniform pruning nor the ray (every threshold at the same share of its own limit) looks at.
/// </summary>
public sealed class BudgetAllocation
{
    /// <summary>Fractions per threshold, from 0 to the one it tolerated alone.</summary>
    public const int GridPoints = 33;

    private readonly Dictionary<int, (double Fraction, double Cost, double Gain)[]> _options;

    /// <param name="limits">Per threshold dimension, the largest fraction it may take (the one it tolerated alone).</param>
    public BudgetAllocation(IReadOnlyDictionary<int, double> limits, Func<int, double, double> cost, Func<int, double, double> gain)
    {
        _options = limits.ToDictionary(l => l.Key, l => Enumerable.Range(0, GridPoints)
            .Select(k => l.Value * k / (GridPoints - 1)).Select(f => (f, cost(l.Key, f), gain(l.Key, f))).ToArray());
        MaximumCost = _options.Values.Sum(options => options[^1].Cost);
    }

    /// <summary>The predicted cost of every threshold at its limit.</summary>
    public double MaximumCost { get; }

    /// <summary>The fraction of every threshold for a predicted cost of at most <paramref name="budget"/>.</summary>
    public IReadOnlyDictionary<int, double> At(double budget)
    {
        var at = _options.Keys.ToDictionary(d => d, _ => 0);
        var spent = 0.0;
        while (BestRaise(at) is { } raise)
        {
            var (d, k) = raise;
            var more = _options[d][k].Cost - _options[d][at[d]].Cost;
            if (spent + more > budget + 1e-12) break;
            spent += more;
            at[d] = k;
        }
        return at.ToDictionary(a => a.Key, a => _options[a.Key][a.Value].Fraction);
    }

    /// <summary>The raise (dimension, grid point) with the most gain per cost that adds some gain, the shorter on a tie; null when none does.</summary>
    private (int Dimension, int Point)? BestRaise(Dictionary<int, int> at)
    {
        (int, int)? best = null;
        var bestRatio = 0.0;
        foreach (var (d, k0) in at.OrderBy(a => a.Key))
        {
            var (_, cost0, gain0) = _options[d][k0];
            for (var k = k0 + 1; k < GridPoints; k++)
            {
                var (_, cost, gain) = _options[d][k];
                if (gain <= gain0) continue;
                var ratio = cost <= cost0 ? double.PositiveInfinity : (gain - gain0) / (cost - cost0);
                if (ratio > bestRatio * (1 + 1e-9)) (best, bestRatio) = ((d, k), ratio); // on a tie, the shorter raise
            }
        }
        return best;
    }
}
