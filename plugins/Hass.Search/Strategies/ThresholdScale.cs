using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Strategies;

/// <summary>
/// The common relative scale of the threshold dimensions: a point is given by one fraction per "w:"/"a:"
/// dimension (0 = the dimension's Low, the unpruned end; 1 = its High); other dimensions keep their Default.
/// </summary>
public sealed class ThresholdScale(SpaceCodec codec)
{
    public IReadOnlyList<int> WeightDims { get; } = Enumerable.Range(0, codec.Count).Where(d => codec.GroupOf(d) == ThresholdGroup.Weight).ToList();
    public IReadOnlyList<int> ActivationDims { get; } = Enumerable.Range(0, codec.Count).Where(d => codec.GroupOf(d) == ThresholdGroup.Activation).ToList();
    public IReadOnlyList<int> ThresholdDims => [.. WeightDims, .. ActivationDims];

    public void RequireThresholds(string strategy)
    {
        if (WeightDims.Count + ActivationDims.Count == 0)
            throw new ArgumentException($"search strategy '{strategy}' steers threshold dimensions, but the search space has no \"w:<layer>\" or \"a:<layer>\" dimension " +
                                        $"(it has {string.Join(", ", codec.Dimensions.Select(d => d.Name))}); use tpe, random, anneal or nsga2 for other spaces");
    }

    /// <summary>The point whose threshold dimensions sit at the given fractions (index = dimension), the rest at Default.</summary>
    public ParameterSet At(Func<int, double> fractionOf) =>
        codec.Build(d => codec.GroupOf(d) == ThresholdGroup.None ? codec.ClampedDefault(d) : codec.AtFraction(d, fractionOf(d)));

    /// <summary>The threshold dimensions <paramref name="point"/> prunes (fraction above 0), the first <paramref name="atMost"/> of them.</summary>
    public List<int> Pruned(ParameterSet point, int atMost = int.MaxValue) =>
        ThresholdDims.Where(d => point.Values.TryGetValue(codec.Dimensions[d].Name, out var v) && codec.FractionOf(d, v) > 0).Take(atMost).ToList();

    /// <summary>Whether dimension <paramref name="d"/> takes any value in its range (an Int dimension rounds its fractions).</summary>
    public bool IsFloat(int d) => codec.Dimensions[d].Kind == DimensionKind.Float;

    /// <summary>The fraction at which <paramref name="point"/> sets dimension <paramref name="d"/> (inverse of <see cref="At"/>).</summary>
    public double FractionOf(int d, ParameterSet point) => codec.FractionOf(d, point[codec.Dimensions[d].Name]);

    /// <summary>
    /// <paramref name="fraction"/> rounded to a multiple of 2^-32. The bisections' fractions are midpoints of dyadic
    /// ends, so a fraction read back from a point (<see cref="FractionOf"/>) rounds to exactly the one asked.
    /// </summary>
    public static double OnDyadicGrid(double fraction) => Math.Round(fraction * DyadicGrid) / DyadicGrid;

    private const double DyadicGrid = 1L << 32;

    /// <summary>One global weight fraction and one global activation fraction.</summary>
    public ParameterSet AtGlobal(double weightFraction, double activationFraction) =>
        At(d => codec.GroupOf(d) == ThresholdGroup.Weight ? weightFraction : activationFraction);
}
