using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>How a graph layer is implemented in hardware.</summary>
public enum NodeImplementation
{
    Input,
    DenseConv,
    SparseConv,
    PointwiseSparseConv,
    Linear,
    Pool,
    GlobalPool,
    Activation,
    EltwiseAdd,
    EltwiseMul,
    Concat,
    Flatten,
}

/// <summary>
/// One graph layer prepared for fast repeated cost evaluation: shapes, feasible folding values, the sparsity
/// statistics it needs, and a per-folding cost cache.
/// </summary>
public sealed class Node
{
    public required int Index { get; init; }
    public required Layer Layer { get; init; }
    public required NodeImplementation Implementation { get; init; }
    public string Name => Layer.Name;
    public LayerKind Kind => Layer.Kind;

    // Shapes: input C×H×W, output F×Ho×Wo, padded Hp×Wp, kernel kh×kw (K = kh·kw), groups G.
    public int C { get; init; }
    public int H { get; init; }
    public int W { get; init; }
    public int F { get; init; }
    public int Ho { get; init; }
    public int Wo { get; init; }
    public int Hp { get; init; }
    public int Wp { get; init; }
    public int Kh { get; init; } = 1;
    public int Kw { get; init; } = 1;
    public int K => Kh * Kw;
    public int G { get; init; } = 1;

    /// <summary>Feasible coarse-in values (non-conv layers: the one coarse factor).</summary>
    public required int[] CoarseIn { get; init; }
    public required int[] CoarseOut { get; init; }
    public required int[] CoarseGroup { get; init; }
    public required int[] Fine { get; init; }

    public int[] Inputs { get; internal set; } = [];
    public List<int> Consumers { get; } = [];

    /// <summary>Per-channel histogram rows (sparse conv only).</summary>
    public double[][]? Histogram { get; init; }
    /// <summary>EltwiseMul whose second input is a C×1×1 vector broadcast over the map (squeeze-excite scale).</summary>
    public bool HasBroadcastInput { get; internal set; }
    /// <summary>Mean over channels of the zero fraction (pointwise sparse only).</summary>
    public double MeanZeroFraction { get; init; }
    /// <summary>Ho×C×(K+1) per-row histogram (sparse only; null when the profile has none: rows are then taken as equal).</summary>
    public double[][][]? RowHistogram { get; init; }
    /// <summary>C×(F/G) mean non-zero products per (channel, filter) (sparse only; null: the lanes are taken as equal).</summary>
    public double[][]? FilterNonZeros { get; init; }
    /// <summary>Ho×C variance over images of a (row, channel)'s non-zero products, and Ho variance of each row's total (null: rows taken as fixed).</summary>
    public double[][]? RowNonZeroVariance { get; init; }
    public double[]? RowTotalNonZeroVariance { get; init; }
    /// <summary>S×Ho×C non-zero products of each (row, channel) in each of S sample images (null: the variances above, if any, are used).</summary>
    public int[][][]? RowNonZeroSamples { get; init; }
    /// <summary>C×(F/G)×(K+1) zero histogram per (channel, filter) (null: lanes split a channel's cycles by its product shares).</summary>
    public double[][][]? FilterZeroHistogram { get; init; }
    /// <summary>The cost-model options this node is evaluated with.</summary>
    public CostSettings Settings { get; internal set; } = CostSettings.Default;

    /// <summary>Fraction of an image period between the first input word and the first output word.</summary>
    public double FillFraction { get; internal set; }
    /// <summary>Merge nodes (add, mul, concat): words of skew FIFO needed on each input port.</summary>
    public double[] PortFifoWords { get; internal set; } = [];

    /// <summary>For a sparse conv: the dense implementation of the same layer, which the DSE may pick instead.</summary>
    public Node? DenseAlternative { get; internal set; }

    public bool IsWeightLayer => Implementation is NodeImplementation.DenseConv or NodeImplementation.SparseConv
        or NodeImplementation.PointwiseSparseConv or NodeImplementation.Linear;
    public bool IsSparse => Implementation is NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv;
    public bool IsConv => Implementation is NodeImplementation.DenseConv or NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv;
    public long WeightCount => Implementation == NodeImplementation.Linear ? (long)C * F
        : IsConv ? (long)F * (C / G) * K : 0;
    public long InputWords => (long)C * H * W;
    public long OutputWords => (long)F * Ho * Wo;

    internal readonly Dictionary<long, NodeCost> CostCache = new();
    internal SparseOrder?[]? SparseOrders;
    internal readonly LaneCache Lanes = new();

    /// <summary>Feasible weights-reloading factors: divisors of F/(G·co).</summary>
    public int[] WeightsReloadingFor(int coarseOut) => IsWeightLayer ? ResourcePrimitives.Divisors(F / G / coarseOut) : [1];

    /// <summary>Throws a clear error when a folding is not feasible for this layer.</summary>
    public void CheckFeasible(LayerFolding f)
    {
        Check("coarseIn", f.CoarseIn, CoarseIn);
        Check("coarseOut", f.CoarseOut, CoarseOut);
        Check("coarseGroup", f.CoarseGroup, CoarseGroup);
        Check("fine", f.Fine, Fine);
        if (f.WeightsReloading != 1)
        {
            if (!IsWeightLayer)
                throw new ArgumentException($"layer '{Name}' ({Kind}): weightsReloading {f.WeightsReloading} is only allowed on Conv and Linear layers; use 1");
            Check("weightsReloading", f.WeightsReloading, WeightsReloadingFor(f.CoarseOut));
        }
    }

    private void Check(string what, int value, int[] feasible)
    {
        if (Array.IndexOf(feasible, value) < 0)
            throw new ArgumentException($"layer '{Name}' ({Kind}, {Implementation}): {what} {value} is not feasible; choose one of [{string.Join(", ", feasible)}]");
    }

    public override string ToString() => $"{Name} ({Implementation})";
}

/// <summary>Channels of a sparse layer sorted slowest first for one fine value (the "opt" interleaving input).</summary>
internal sealed class SparseOrder(double[] expected, int[] order)
{
    /// <summary>Expected cycles per window of each channel, e[c] = Σ_z ceil((K−z)/fine)·hist[c,z].</summary>
    public double[] Expected { get; } = expected;
    /// <summary>Channel indices sorted by expected cycles descending (ties by index).</summary>
    public int[] Order { get; } = order;
}
