using Hass.Abstractions;

namespace Hass.Search.Core;

/// <summary>
/// Validates a search space and maps its points to and from the unit cube and the "internal" coordinates
/// the Parzen estimators work in (log for Log dimensions, integers widened by ±½, categoricals as indices).
/// </summary>
public sealed class SpaceCodec
{
    public const string WeightPrefix = "w:";
    public const string ActivationPrefix = "a:";

    public SearchSpace Space { get; }
    public IReadOnlyList<SearchDimension> Dimensions => Space.Dimensions;
    public int Count => Space.Dimensions.Count;

    public SpaceCodec(SearchSpace space, string strategy)
    {
        ArgumentNullException.ThrowIfNull(space);
        if (space.Dimensions is null || space.Dimensions.Count == 0)
            throw new ArgumentException($"search strategy '{strategy}': the search space has no dimensions; give the campaign at least one layer to prune");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in space.Dimensions)
        {
            if (string.IsNullOrWhiteSpace(d.Name))
                throw new ArgumentException($"search strategy '{strategy}': a search dimension has an empty name");
            if (!names.Add(d.Name))
                throw new ArgumentException($"search strategy '{strategy}': the search dimension '{d.Name}' appears twice; dimension names must be unique");
            switch (d.Kind)
            {
                case DimensionKind.Categorical:
                    if (d.Choices is null || d.Choices.Count == 0)
                        throw new ArgumentException($"search strategy '{strategy}': categorical dimension '{d.Name}' has no choices; list at least one");
                    break;
                case DimensionKind.Int:
                    if (d.Low != Math.Floor(d.Low) || d.High != Math.Floor(d.High) || d.High < d.Low)
                        throw new ArgumentException($"search strategy '{strategy}': integer dimension '{d.Name}' needs integer bounds with low ≤ high (got [{d.Low}, {d.High}])");
                    if (d.Log && d.Low < 1)
                        throw new ArgumentException($"search strategy '{strategy}': log-scaled integer dimension '{d.Name}' needs low ≥ 1 (got {d.Low})");
                    break;
                default:
                    if (!double.IsFinite(d.Low) || !double.IsFinite(d.High) || !(d.High > d.Low))
                        throw new ArgumentException($"search strategy '{strategy}': dimension '{d.Name}' needs finite bounds with low < high (got [{d.Low}, {d.High}])");
                    if (d.Log && !(d.Low > 0))
                        throw new ArgumentException($"search strategy '{strategy}': log-scaled dimension '{d.Name}' needs low > 0 (got {d.Low}); use a linear scale to include 0 (unpruned)");
                    break;
            }
        }
        Space = space;
    }

    /// <summary>Bounds of dimension <paramref name="d"/> in internal coordinates (categoricals: index range).</summary>
    public (double Low, double High) InternalBounds(int d)
    {
        var dim = Dimensions[d];
        return dim.Kind switch
        {
            DimensionKind.Categorical => (0, dim.Choices.Count - 1),
            DimensionKind.Int when dim.Log => (Math.Log(dim.Low - 0.5), Math.Log(dim.High + 0.5)),
            DimensionKind.Int => (dim.Low - 0.5, dim.High + 0.5),
            _ when dim.Log => (Math.Log(dim.Low), Math.Log(dim.High)),
            _ => (dim.Low, dim.High),
        };
    }

    public double ToInternal(int d, double value)
    {
        var dim = Dimensions[d];
        return dim.Kind != DimensionKind.Categorical && dim.Log ? Math.Log(value) : value;
    }

    /// <summary>Back from internal coordinates to a value inside the dimension (rounded and clipped).</summary>
    public double FromInternal(int d, double x)
    {
        var dim = Dimensions[d];
        switch (dim.Kind)
        {
            case DimensionKind.Categorical:
                return Math.Clamp(Math.Round(x), 0, dim.Choices.Count - 1);
            case DimensionKind.Int:
                var v = dim.Log ? Math.Exp(x) : x;
                return Math.Clamp(Math.Round(v, MidpointRounding.AwayFromZero), dim.Low, dim.High);
            default:
                var f = dim.Log ? Math.Exp(x) : x;
                return Math.Clamp(f, dim.Low, dim.High);
        }
    }

    /// <summary>Position of a value in [0, 1] (categoricals: the middle of their cell).</summary>
    public double ToUnit(int d, double value)
    {
        var dim = Dimensions[d];
        if (dim.Kind == DimensionKind.Categorical) return (value + 0.5) / dim.Choices.Count;
        var (lo, hi) = InternalBounds(d);
        return Math.Clamp((ToInternal(d, value) - lo) / (hi - lo), 0, 1);
    }

    public double FromUnit(int d, double u)
    {
        var dim = Dimensions[d];
        u = Math.Clamp(u, 0, 1);
        if (dim.Kind == DimensionKind.Categorical) return Math.Min(Math.Floor(u * dim.Choices.Count), dim.Choices.Count - 1);
        var (lo, hi) = InternalBounds(d);
        return FromInternal(d, lo + u * (hi - lo));
    }

    public double[] ToUnit(ParameterSet p)
    {
        var u = new double[Count];
        for (var d = 0; d < Count; d++) u[d] = ToUnit(d, p[Dimensions[d].Name]);
        return u;
    }

    public ParameterSet FromUnit(IReadOnlyList<double> u)
    {
        var values = new Dictionary<string, double>(Count, StringComparer.Ordinal);
        for (var d = 0; d < Count; d++) values[Dimensions[d].Name] = FromUnit(d, u[d]);
        return new ParameterSet(values);
    }

    public ParameterSet Build(Func<int, double> valueOf)
    {
        var values = new Dictionary<string, double>(Count, StringComparer.Ordinal);
        for (var d = 0; d < Count; d++) values[Dimensions[d].Name] = valueOf(d);
        return new ParameterSet(values);
    }

    /// <summary>A point drawn uniformly (log-uniformly for Log dimensions) from the space.</summary>
    public ParameterSet SampleUniform(Rng rng) => Build(d => FromUnit(d, rng.NextDouble()));

    /// <summary>
    /// A start-up point for threshold spaces: threshold dimensions ("w:", "a:") are uniform draws multiplied by
    /// one common factor s ~ U(0, 1) on the unit scale, so start-up points cover lightly as well as heavily
    /// pruned networks (uniform draws over many layers almost all prune heavily and break the accuracy
    /// tolerance); other dimensions are uniform.
    /// </summary>
    public ParameterSet SampleScaled(Rng rng)
    {
        var u = new double[Count];
        for (var d = 0; d < u.Length; d++) u[d] = rng.NextDouble();
        var scale = rng.NextDouble();
        for (var d = 0; d < u.Length; d++)
            if (GroupOf(d) != ThresholdGroup.None) u[d] *= scale;
        return FromUnit(u);
    }

    /// <summary>The dimension's Default moved inside its bounds (the "unpruned" base of stepwise searches).</summary>
    public double ClampedDefault(int d)
    {
        var dim = Dimensions[d];
        var v = dim.Default;
        if (!double.IsFinite(v)) v = dim.Low;
        return dim.Kind == DimensionKind.Categorical
            ? Math.Clamp(Math.Round(v), 0, dim.Choices.Count - 1)
            : FromInternal(d, ToInternal(d, Math.Clamp(v, dim.Low, dim.High)));
    }

    public ParameterSet Defaults() => Build(ClampedDefault);

    /// <summary>True when <paramref name="p"/> has a value inside every dimension (extra names are not allowed).</summary>
    public bool IsComplete(ParameterSet p) =>
        p.Values.Count == Count && Space.Contains(p);

    /// <summary>
    /// Checks an externally given point (warm start): every name must be a dimension and every value inside it;
    /// missing dimensions take their clamped Default.
    /// </summary>
    public ParameterSet Validate(ParameterSet p, string strategy, string what)
    {
        ArgumentNullException.ThrowIfNull(p);
        foreach (var name in p.Values.Keys)
            if (!Dimensions.Any(d => d.Name == name))
                throw new ArgumentException($"search strategy '{strategy}': {what} names '{name}', which is not a dimension of the search space");
        return Build(d =>
        {
            var dim = Dimensions[d];
            if (!p.Values.TryGetValue(dim.Name, out var v)) return ClampedDefault(d);
            if (!dim.Contains(v))
                throw new ArgumentException($"search strategy '{strategy}': {what} gives '{dim.Name}' = {v}, outside the dimension ({Describe(dim)})");
            return v;
        });
    }

    public static string Describe(SearchDimension d) => d.Kind switch
    {
        DimensionKind.Categorical => $"one of {d.Choices.Count} choices, by index 0..{d.Choices.Count - 1}",
        DimensionKind.Int => $"integer in [{d.Low}, {d.High}]",
        _ => $"[{d.Low}, {d.High}]{(d.Log ? " log" : "")}",
    };

    /// <summary>Which group ("w:" weight threshold, "a:" activation threshold or neither) a dimension belongs to.</summary>
    public ThresholdGroup GroupOf(int d)
    {
        var dim = Dimensions[d];
        if (dim.Kind == DimensionKind.Categorical) return ThresholdGroup.None;
        if (dim.Name.StartsWith(WeightPrefix, StringComparison.Ordinal)) return ThresholdGroup.Weight;
        if (dim.Name.StartsWith(ActivationPrefix, StringComparison.Ordinal)) return ThresholdGroup.Activation;
        return ThresholdGroup.None;
    }

    /// <summary>
    /// The value at relative position <paramref name="fraction"/> of a threshold dimension: the common scale on
    /// which "one global threshold" is defined (0 = Low, the unpruned end; 1 = High; Log dimensions in log space).
    /// </summary>
    public double AtFraction(int d, double fraction)
    {
        var dim = Dimensions[d];
        fraction = Math.Clamp(fraction, 0, 1);
        if (dim.Kind == DimensionKind.Int)
        {
            var raw = dim.Log ? Math.Exp(Math.Log(dim.Low) + fraction * (Math.Log(dim.High) - Math.Log(dim.Low)))
                              : dim.Low + fraction * (dim.High - dim.Low);
            return Math.Clamp(Math.Round(raw, MidpointRounding.AwayFromZero), dim.Low, dim.High);
        }
        var v = dim.Log ? Math.Exp(Math.Log(dim.Low) + fraction * (Math.Log(dim.High) - Math.Log(dim.Low)))
                        : dim.Low + fraction * (dim.High - dim.Low);
        return Math.Clamp(v, dim.Low, dim.High);
    }

    /// <summary>Inverse of <see cref="AtFraction"/>.</summary>
    public double FractionOf(int d, double value)
    {
        var dim = Dimensions[d];
        if (dim.High == dim.Low) return 0;
        return Math.Clamp(dim.Log ? (Math.Log(value) - Math.Log(dim.Low)) / (Math.Log(dim.High) - Math.Log(dim.Low))
                                  : (value - dim.Low) / (dim.High - dim.Low), 0, 1);
    }
}

public enum ThresholdGroup { None, Weight, Activation }
