namespace Hass.Abstractions;

/// <summary>
/// Sparsity statistics of one conv layer (fpgaConvNet convention). <see cref="Histogram"/> is C×(K+1):
/// row c, bin z = fraction of (window, filter) pairs of input channel c whose K products weight·activation
/// contain exactly z zeros (z = K: all-zero window). Padding zeros count as zeros. Rows sum to 1.
/// </summary>
public sealed record LayerSparsity
{
    public required string Layer { get; init; }
    public required int KernelSize { get; init; }
    public required double[][] Histogram { get; init; }
    /// <summary>Fraction of non-zero weights.</summary>
    public double WeightDensity { get; init; } = 1;
    /// <summary>Fraction of non-zero input activations (padding excluded).</summary>
    public double ActivationDensity { get; init; } = 1;
    /// <summary>Fraction of zero products among all window products (padding included).</summary>
    public double EffectiveSparsity { get; init; }
    /// <summary>
    /// Ho×C×(K+1), optional: entry [r][c][z] = fraction of channel c's (window, filter) pairs that lie in output row r
    /// and have z zero products. Summed over rows it is <see cref="Histogram"/>. The lane-aware cost model uses it
    /// for the row-by-row cost (rows resynchronise the lanes).
    /// </summary>
    public double[][][]? RowHistogram { get; init; }
    /// <summary>
    /// C×(F/groups), optional: entry [c][j] = mean non-zero products per window of channel c against filter j of
    /// its group (local index). The lane-aware cost model uses it to split a channel's cycles over the output lanes.
    /// </summary>
    public double[][]? FilterNonZeros { get; init; }
    /// <summary>
    /// C×(F/groups)×(K+1), optional: entry [c][j][z] = fraction of channel c's windows whose K products against filter j
    /// of its group contain z zeros. The lane-aware cost model uses it to split a channel's cycles over the output lanes at
    /// any fine (a window costs ceil((K − z)/fine), so lanes of few-product windows take more than their product share).
    /// </summary>
    public double[][][]? FilterZeroHistogram { get; init; }
    /// <summary>
    /// Ho×C, optional: entry [r][c] = variance over the profiled images of the non-zero products of channel c in output
    /// row r (summed over the row's windows and all filters of the group) in one image. The lane-aware cost model uses it
    /// for the expected slowest stream of a row, which varies from image to image.
    /// </summary>
    public double[][]? RowNonZeroVariance { get; init; }
    /// <summary>Ho, optional: variance over images of row r's non-zero products summed over all channels (gives the correlation between channels).</summary>
    public double[]? RowTotalNonZeroVariance { get; init; }
    /// <summary>
    /// S×Ho×C, optional: entry [i][r][c] = the non-zero products of channel c in output row r (summed over the row's
    /// windows and all filters of the group) in the i-th of the first S profiled images. The lane-aware cost model
    /// averages each row's slowest stream over these images (no assumption about how streams vary together).
    /// </summary>
    public int[][][]? RowNonZeroSamples { get; init; }

    /// <summary>mean over channels of Σ z·hist[c,z]/K: the parser's mean sparsity (dense below 0.1).</summary>
    public double MeanSparsity()
    {
        if (Histogram.Length == 0) return 0;
        double total = 0;
        foreach (var row in Histogram)
        {
            double s = 0;
            for (int z = 0; z < row.Length; z++) s += z * row[z];
            total += s / KernelSize;
        }
        return total / Histogram.Length;
    }

    /// <summary>Per-channel zero probability Σ z·hist[c,z]/K (the pointwise-sparse input).</summary>
    public double[] ChannelZeroFraction() =>
        Histogram.Select(row => row.Select((p, z) => z * p).Sum() / KernelSize).ToArray();
}

/// <summary>Per-layer sparsity of a pruned model over a calibration set.</summary>
public sealed record SparsityProfile
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public string Model { get; init; } = "";
    public int Images { get; init; }
    /// <summary>Whether 16-bit fixed-point emulation decided which values are zero.</summary>
    public bool FixedPoint16 { get; init; }
    public required IReadOnlyList<LayerSparsity> Layers { get; init; }

    public LayerSparsity? For(string layer) => Layers.FirstOrDefault(l => l.Layer == layer);

    /// <summary>Whole-network effective sparsity weighted by each layer's dense MACs.</summary>
    public double EffectiveSparsity(NetworkGraph graph)
    {
        double zero = 0, all = 0;
        foreach (var ls in Layers)
        {
            var layer = graph.Layers.FirstOrDefault(l => l.Name == ls.Layer);
            if (layer is null) continue;
            zero += ls.EffectiveSparsity * layer.Macs;
            all += layer.Macs;
        }
        return all == 0 ? 0 : zero / all;
    }

    public string ContentHash() => Hashing.Sha256Hex(HassJson.Serialize(this));

    /// <summary>A profile with no layers: every layer is treated as dense.</summary>
    public static SparsityProfile Dense(string model = "") => new() { Model = model, Layers = [] };
}
