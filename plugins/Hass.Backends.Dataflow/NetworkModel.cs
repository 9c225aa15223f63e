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

/// <summary>The graph turned into <see cref="Node"/>s, in topological order (index 0 is the Input).</summary>
public sealed class NetworkModel
{
    public NetworkGraph Graph { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public bool SparseEnabled { get; }

    private NetworkModel(NetworkGraph graph, List<Node> nodes, bool sparse)
    {
        Graph = graph;
        Nodes = nodes;
        SparseEnabled = sparse;
    }

    /// <summary>
    /// Builds the model. With <paramref name="sparse"/>, a conv whose profile histogram has mean sparsity
    /// ≥ <paramref name="denseBelowSparsity"/> becomes a sparse conv (1×1: pointwise sparse); layers without a
    /// histogram are dense.
    /// </summary>
    /// <remarks>This overload keeps fpgaConvNet's average sparse figure (the reference model's behaviour).</remarks>
    public static NetworkModel Build(NetworkGraph graph, SparsityProfile profile, bool sparse, double denseBelowSparsity) =>
        Build(graph, profile, sparse, new DesignOptions { DenseBelowSparsity = denseBelowSparsity, SparseCycles = DesignOptions.AverageCycles });

    /// <summary>Builds the model with the cost-model settings of <paramref name="options"/>.</summary>
    public static NetworkModel Build(NetworkGraph graph, SparsityProfile profile, bool sparse, DesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = CostSettings.From(options);
        double denseBelowSparsity = options.DenseBelowSparsity;
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(profile);
        if (graph.Layers.Count == 0) throw new ArgumentException($"graph '{graph.Name}' has no layers");
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var histograms = new Dictionary<string, LayerSparsity>(StringComparer.Ordinal);
        foreach (var ls in profile.Layers) histograms[ls.Layer] = ls;
        var nodes = new List<Node>(graph.Layers.Count);
        foreach (var layer in graph.Layers)
        {
            if (byName.ContainsKey(layer.Name))
                throw new ArgumentException($"graph '{graph.Name}': layer name '{layer.Name}' appears twice; layer names must be unique");
            var inputs = new int[layer.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!byName.TryGetValue(layer.Inputs[i], out inputs[i]))
                    throw new ArgumentException($"graph '{graph.Name}': layer '{layer.Name}' reads '{layer.Inputs[i]}', which is not an earlier layer; list layers in topological order");
            }
            if (layer.Kind != LayerKind.Input && inputs.Length == 0)
                throw new ArgumentException($"graph '{graph.Name}': layer '{layer.Name}' ({layer.Kind}) has no inputs");
            histograms.TryGetValue(layer.Name, out var sparsity);
            var node = CreateNode(nodes.Count, layer, inputs, nodes, sparse ? sparsity : null, denseBelowSparsity);
            node.Inputs = inputs;
            node.Settings = settings;
            if (node.IsSparse)
            {
                node.DenseAlternative = CreateConv(node.Index, layer, null, denseBelowSparsity);
                node.DenseAlternative.Inputs = inputs;
                node.DenseAlternative.Settings = settings;
            }
            node.HasBroadcastInput = layer.Kind == LayerKind.EltwiseMul && inputs.Length == 2
                && nodes[inputs[1]].Ho * nodes[inputs[1]].Wo == 1 && layer.InputShape.Rows * layer.InputShape.Cols > 1;
            foreach (var p in inputs) nodes[p].Consumers.Add(node.Index);
            byName[layer.Name] = node.Index;
            nodes.Add(node);
        }
        if (nodes[0].Implementation != NodeImplementation.Input)
            throw new ArgumentException($"graph '{graph.Name}': the first layer must be the Input node (got '{nodes[0].Name}', {nodes[0].Kind})");
        foreach (var n in nodes)
            if (n.DenseAlternative is { } alternative) alternative.Consumers.AddRange(n.Consumers);
        ComputeFillAndFifos(nodes);
        foreach (var n in nodes)
            if (n.DenseAlternative is { } alternative) alternative.FillFraction = n.FillFraction;
        return new NetworkModel(graph, nodes, sparse);
    }

    private static Node CreateNode(int index, Layer layer, int[] inputs, List<Node> earlier, LayerSparsity? sparsity, double denseBelow)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        if (inS.Channels <= 0 || inS.Rows <= 0 || inS.Cols <= 0 || outS.Channels <= 0 || outS.Rows <= 0 || outS.Cols <= 0)
            throw new ArgumentException($"layer '{layer.Name}': shapes must be positive (input {inS}, output {outS})");
        int[] one = [1];
        switch (layer.Kind)
        {
            case LayerKind.Input:
                return new Node
                {
                    Index = index, Layer = layer, Implementation = NodeImplementation.Input,
                    C = outS.Channels, H = outS.Rows, W = outS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = outS.Rows, Wp = outS.Cols,
                    CoarseIn = one, CoarseOut = one, CoarseGroup = one, Fine = one,
                };
            case LayerKind.Conv:
                return CreateConv(index, layer, sparsity, denseBelow);
            case LayerKind.Linear:
            {
                int c = checked((int)inS.Elements);
                int f = outS.Channels;
                if (outS.Rows != 1 || outS.Cols != 1)
                    throw new ArgumentException($"layer '{layer.Name}' (Linear): output must be F×1×1 (got {outS})");
                return new Node
                {
                    Index = index, Layer = layer, Implementation = NodeImplementation.Linear,
                    C = c, H = 1, W = 1, F = f, Ho = 1, Wo = 1, Hp = 1, Wp = 1,
                    CoarseIn = ResourcePrimitives.Divisors(c), CoarseOut = ResourcePrimitives.Divisors(f), CoarseGroup = one, Fine = one,
                };
            }
            case LayerKind.MaxPool or LayerKind.AvgPool:
            {
                int hp = inS.Rows + layer.PadTop + layer.PadBottom, wp = inS.Cols + layer.PadLeft + layer.PadRight;
                CheckWindowShape(layer, hp, wp);
                if (inS.Channels != outS.Channels)
                    throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): pooling keeps channels (input {inS}, output {outS})");
                var coarse = ResourcePrimitives.Divisors(inS.Channels);
                return new Node
                {
                    Index = index, Layer = layer, Implementation = NodeImplementation.Pool,
                    C = inS.Channels, H = inS.Rows, W = inS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = hp, Wp = wp,
                    Kh = layer.KernelRows, Kw = layer.KernelCols, CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = one, Fine = one,
                };
            }
            case LayerKind.Concat:
            {
                int total = 0, common = 0;
                foreach (var p in inputs)
                {
                    var pc = earlier[p].F;
                    total += pc;
                    common = (int)ResourcePrimitives.Gcd(common, pc);
                    if (earlier[p].Ho != inS.Rows || earlier[p].Wo != inS.Cols)
                        throw new ArgumentException($"layer '{layer.Name}' (Concat): input '{earlier[p].Name}' is {earlier[p].Ho}×{earlier[p].Wo}, expected {inS.Rows}×{inS.Cols}");
                }
                if (total != outS.Channels)
                    throw new ArgumentException($"layer '{layer.Name}' (Concat): inputs carry {total} channels but the output has {outS.Channels}");
                var coarse = ResourcePrimitives.Divisors(common);
                return Simple(index, layer, NodeImplementation.Concat, coarse, total);
            }
            case LayerKind.Flatten:
            {
                if (outS.Elements != inS.Elements)
                    throw new ArgumentException($"layer '{layer.Name}' (Flatten): output {outS} must hold the {inS.Elements} input elements");
                var coarse = ResourcePrimitives.Divisors(inS.Channels);
                return new Node
                {
                    Index = index, Layer = layer, Implementation = NodeImplementation.Flatten,
                    C = inS.Channels, H = inS.Rows, W = inS.Cols, F = outS.Channels, Ho = outS.Rows, Wo = outS.Cols, Hp = inS.Rows, Wp = inS.Cols,
                    CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = one, Fine = one,
                };
            }
            case LayerKind.GlobalPool:
                return Simple(index, layer, NodeImplementation.GlobalPool, ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.Hardswish or LayerKind.Hardsigmoid:
                if (inS != outS) throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): activations keep their shape (input {inS}, output {outS})");
                return Simple(index, layer, NodeImplementation.Activation, ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            case LayerKind.EltwiseAdd or LayerKind.EltwiseMul:
                if (inputs.Length < 2)
                    throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): needs at least two inputs (got {inputs.Length})");
                return Simple(index, layer, layer.Kind == LayerKind.EltwiseAdd ? NodeImplementation.EltwiseAdd : NodeImplementation.EltwiseMul,
                    ResourcePrimitives.Divisors(inS.Channels), inS.Channels);
            default:
                throw new ArgumentException($"layer '{layer.Name}': layer kind {layer.Kind} is not supported by the dataflow backend");
        }
    }

    private static Node Simple(int index, Layer layer, NodeImplementation impl, int[] coarse, int channels) => new()
    {
        Index = index, Layer = layer, Implementation = impl,
        C = channels, H = layer.InputShape.Rows, W = layer.InputShape.Cols, F = layer.OutputShape.Channels,
        Ho = layer.OutputShape.Rows, Wo = layer.OutputShape.Cols, Hp = layer.InputShape.Rows, Wp = layer.InputShape.Cols,
        CoarseIn = coarse, CoarseOut = coarse, CoarseGroup = [1], Fine = [1],
    };

    private static void CheckWindowShape(Layer layer, int hp, int wp)
    {
        if (layer.KernelRows <= 0 || layer.KernelCols <= 0 || layer.StrideRows <= 0 || layer.StrideCols <= 0)
            throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): kernel and stride must be positive");
        int ho = (hp - layer.KernelRows) / layer.StrideRows + 1, wo = (wp - layer.KernelCols) / layer.StrideCols + 1;
        if (ho != layer.OutputShape.Rows || wo != layer.OutputShape.Cols)
            throw new ArgumentException($"layer '{layer.Name}' ({layer.Kind}): output {layer.OutputShape.Rows}×{layer.OutputShape.Cols} does not match input {layer.InputShape.Rows}×{layer.InputShape.Cols}, kernel {layer.KernelRows}×{layer.KernelCols}, stride {layer.StrideRows}×{layer.StrideCols}, padding (expected {ho}×{wo})");
    }

    private static Node CreateConv(int index, Layer layer, LayerSparsity? sparsity, double denseBelow)
    {
        var inS = layer.InputShape;
        var outS = layer.OutputShape;
        int c = inS.Channels, f = outS.Channels, g = layer.Groups, k = layer.KernelSize;
        if (g <= 0 || c % g != 0 || f % g != 0)
            throw new ArgumentException($"layer '{layer.Name}' (Conv): groups {g} must divide input channels {c} and filters {f}");
        int hp = inS.Rows + layer.PadTop + layer.PadBottom, wp = inS.Cols + layer.PadLeft + layer.PadRight;
        CheckWindowShape(layer, hp, wp);
        var impl = NodeImplementation.DenseConv;
        double[][]? hist = null, filterNonZeros = null;
        double[][][]? rowHist = null;
        double meanZero = 0;
        if (sparsity is not null)
        {
            ValidateHistogram(layer, sparsity);
            if (sparsity.MeanSparsity() >= denseBelow)
            {
                impl = k == 1 ? NodeImplementation.PointwiseSparseConv : NodeImplementation.SparseConv;
                hist = sparsity.Histogram;
                (rowHist, filterNonZeros) = LaneStatistics(layer, sparsity);
                if (k == 1)
                {
                    double sum = 0;
                    foreach (var row in hist) sum += row[1];
                    meanZero = sum / c;
                }
            }
        }
        int[] fine = impl switch
        {
            NodeImplementation.SparseConv => Enumerable.Range(1, k).ToArray(),
            NodeImplementation.PointwiseSparseConv => [1],
            _ => ResourcePrimitives.Divisors(k),
        };
        return new Node
        {
            Index = index, Layer = layer, Implementation = impl,
            C = c, H = inS.Rows, W = inS.Cols, F = f, Ho = outS.Rows, Wo = outS.Cols, Hp = hp, Wp = wp,
            Kh = layer.KernelRows, Kw = layer.KernelCols, G = g,
            CoarseIn = ResourcePrimitives.Divisors(c / g), CoarseOut = ResourcePrimitives.Divisors(f / g),
            CoarseGroup = ResourcePrimitives.Divisors(g), Fine = fine,
            Histogram = hist, MeanZeroFraction = meanZero, RowHistogram = rowHist, FilterNonZeros = filterNonZeros,
        };
    }

    /// <summary>The profile's per-row histogram and per-filter table, checked against the layer's shape.</summary>
    private static (double[][][]?, double[][]?) LaneStatistics(Layer layer, LayerSparsity s)
    {
        int rows = layer.OutputShape.Rows, channels = layer.InputShape.Channels, filters = layer.OutputShape.Channels / layer.Groups, bins = layer.KernelSize + 1;
        if (s.RowHistogram is { } r && (r.Length != rows || r.Any(row => row is null || row.Length != channels || row.Any(b => b is null || b.Length != bins))))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': rowHistogram must be {rows}×{channels}×{bins} (output rows × input channels × K+1); re-profile the model for this graph");
        if (s.FilterNonZeros is { } f && (f.Length != channels || f.Any(row => row is null || row.Length != filters)))
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': filterNonZeros must be {channels}×{filters} (input channels × filters per group); re-profile the model for this graph");
        return (s.RowHistogram, s.FilterNonZeros);
    }

    private static void ValidateHistogram(Layer layer, LayerSparsity s)
    {
        int k = layer.KernelSize;
        if (s.KernelSize != k)
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': kernelSize {s.KernelSize} but the graph layer has a {layer.KernelRows}×{layer.KernelCols} kernel; re-profile the model for this graph");
        if (s.Histogram.Length != layer.InputShape.Channels)
            throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram has {s.Histogram.Length} rows but the layer has {layer.InputShape.Channels} input channels; re-profile the model for this graph");
        for (int ch = 0; ch < s.Histogram.Length; ch++)
        {
            var row = s.Histogram[ch];
            if (row is null || row.Length != k + 1)
                throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} must have {k + 1} bins (K+1), got {row?.Length ?? 0}");
            double sum = 0;
            foreach (var p in row)
            {
                if (!(p >= 0 && p <= 1 + 1e-9))
                    throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} has a bin outside [0, 1] ({p})");
                sum += p;
            }
            if (Math.Abs(sum - 1) > 1e-3)
                throw new ArgumentException($"sparsity profile, layer '{layer.Name}': histogram row {ch} sums to {sum:G6}, not 1; rows must be normalised");
        }
    }

    /// <summary>
    /// Fill fractions (how much of an image a node must see before it emits) and the skew FIFOs of merge nodes:
    /// a port whose data arrives earlier than the slowest port buffers the difference, at most one feature map.
    /// </summary>
    private static void ComputeFillAndFifos(List<Node> nodes)
    {
        var arrival = new double[nodes.Count];
        // "Burst" tensors are produced all at once at the end of an image (global pooling and what follows it, e.g.
        // the squeeze-excite FCs); a node fed only by bursts adds no fill of its own.
        var burst = new bool[nodes.Count];
        foreach (var n in nodes)
        {
            bool burstInput = n.Inputs.Length > 0;
            foreach (var p in n.Inputs) burstInput &= burst[p];
            burst[n.Index] = n.Implementation == NodeImplementation.GlobalPool || burstInput;
            n.FillFraction = burstInput && n.Implementation != NodeImplementation.GlobalPool ? 0 : n.Implementation switch
            {
                NodeImplementation.DenseConv or NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv or NodeImplementation.Pool =>
                    Math.Min(1.0, ((n.Kh - 1) * (double)n.Wp + n.Kw) / ((double)n.Hp * n.Wp) + 1.0 / ((double)n.Ho * n.Wo)),
                NodeImplementation.GlobalPool or NodeImplementation.Linear => 1.0,
                _ => 0.0,
            };
            double latest = 0;
            foreach (var p in n.Inputs) latest = Math.Max(latest, arrival[p]);
            if (n.Implementation is NodeImplementation.EltwiseAdd or NodeImplementation.EltwiseMul or NodeImplementation.Concat)
            {
                var words = new double[n.Inputs.Length];
                for (int i = 0; i < n.Inputs.Length; i++)
                {
                    var producer = nodes[n.Inputs[i]];
                    double skew = Math.Min(1.0, latest - arrival[n.Inputs[i]]);
                    words[i] = Math.Ceiling(skew * producer.OutputWords);
                }
                n.PortFifoWords = words;
            }
            arrival[n.Index] = latest + n.FillFraction;
        }
    }
}
