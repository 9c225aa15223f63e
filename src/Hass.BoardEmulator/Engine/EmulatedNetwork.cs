using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.BoardEmulator.Engine;

/// <summary>A design the emulator refuses to run; the message says what is wrong.</summary>
public sealed class DesignRejectedException(string message) : Exception(message);

/// <summary>One graph layer as the emulator runs it.</summary>
internal sealed class LayerPlan
{
    public required Layer Layer { get; init; }
    public required int[] Producers { get; init; }
    public required LayerFolding Folding { get; init; }
    public bool Sparse { get; init; }
    /// <summary>Stream of each input channel (sparse conv only).</summary>
    public int[] StreamOf { get; init; } = [];
    public int Streams { get; init; } = 1;
    public float[]? Weights { get; init; }
    public float[]? Bias { get; init; }
    public double Threshold { get; init; }
    /// <summary>Pipeline units per image: output rows.</summary>
    public int Rows => Math.Max(1, Layer.OutputShape.Rows);
    /// <summary>Cycles of one output row when they do not depend on the data.</summary>
    public double FixedRowCycles { get; init; }
    /// <summary>Rows the FIFOs on this layer's inputs hold beyond what its window reads.</summary>
    public int FifoSlackRows { get; init; } = LayerDesign.DefaultFifoSlackRows;
}

/// <summary>Per-image result of the functional model: outputs of every layer and cycles of every output row.</summary>
internal sealed record ImageTrace(float[][] Outputs, double[][] RowCycles);

/// <summary>
/// The deployed design on the uploaded weights: a plain C# forward pass that also counts, per sparse conv
/// layer, per stream and output lane, the cycles each window takes (ceil(non-zero products / fine), 0 for an
/// all-zero window). Dense layers take the dense cycle formula. See docs/board-protocol.md, "Emulator cycle model".
/// </summary>
public sealed class EmulatedNetwork
{
    /// <summary>Deepest FIFO slack a design may ask for (rows).</summary>
    public const int MaxFifoSlackRows = 1024;

    internal LayerPlan[] Plans { get; }
    public NetworkGraph Graph { get; }
    public HardwareDesign Design { get; }
    /// <summary>Graph layer index of each design layer, in design order.</summary>
    public int[] DesignLayerIndex { get; }
    public TensorShape InputShape => Graph.Layers[0].OutputShape;

    public EmulatedNetwork(DeploymentPackage package, BoardSpec board)
    {
        Design = package.Design;
        Graph = package.Network.Graph;
        var layers = Graph.Layers;
        if (layers.Count == 0 || layers[0].Kind != LayerKind.Input)
            throw new DesignRejectedException($"graph '{Graph.Name}' must start with its Input layer");
        if (!string.IsNullOrEmpty(Design.GraphHash) && Design.GraphHash != Graph.ContentHash())
            throw new DesignRejectedException($"design was made for graph hash {Design.GraphHash[..12]}, the deployed graph '{Graph.Name}' hashes to {Graph.ContentHash()[..12]}");
        if (!Design.Resources.FitsOn(board))
            throw new DesignRejectedException($"design needs DSP {Design.Resources.Dsp:0}, BRAM18 {Design.Resources.Bram18:0}, URAM {Design.Resources.Uram:0}, LUT {Design.Resources.Lut:0}, FF {Design.Resources.Ff:0}; board '{board.Name}' has {board.Dsp}, {board.Bram18}, {board.Uram}, {board.Lut}, {board.Ff}");
        var index = new Dictionary<string, int>();
        for (int i = 0; i < layers.Count; i++)
            if (!index.TryAdd(layers[i].Name, i)) throw new DesignRejectedException($"graph '{Graph.Name}' names layer '{layers[i].Name}' twice");
        var designByName = new Dictionary<string, LayerDesign>();
        foreach (var ld in Design.Layers)
        {
            if (!index.ContainsKey(ld.Layer)) throw new DesignRejectedException($"design layer '{ld.Layer}' is not in graph '{Graph.Name}'");
            designByName[ld.Layer] = ld;
        }
        DesignLayerIndex = Design.Layers.Select(l => index[l.Layer]).ToArray();
        var tensors = package.Network.Tensors.ToDictionary(t => t.Layer);
        Plans = new LayerPlan[layers.Count];
        for (int i = 0; i < layers.Count; i++)
        {
            var layer = layers[i];
            var producers = layer.Inputs.Select(name => index.TryGetValue(name, out int p) && p < i ? p
                : throw new DesignRejectedException($"layer '{layer.Name}' takes input '{name}', which is not an earlier layer of the graph")).ToArray();
            if (layer.Kind != LayerKind.Input && producers.Length == 0)
                throw new DesignRejectedException($"layer '{layer.Name}' ({layer.Kind}) has no inputs");
            CheckShapes(layer, producers.Select(p => layers[p]).ToArray());
            designByName.TryGetValue(layer.Name, out var ld);
            var folding = ld?.Folding ?? LayerFolding.Unit;
            if (folding.CoarseIn < 1 || folding.CoarseOut < 1 || folding.CoarseGroup < 1 || folding.Fine < 1)
                throw new DesignRejectedException($"layer '{layer.Name}': folding {folding} has a factor below 1");
            int slack = ld?.FifoSlackRows ?? LayerDesign.DefaultFifoSlackRows;
            if (slack is < 1 or > MaxFifoSlackRows)
                throw new DesignRejectedException($"layer '{layer.Name}': fifoSlackRows {slack} is outside 1..{MaxFifoSlackRows}");
            var (weights, bias) = CheckedTensors(layer, tensors);
            if (layer.Kind == LayerKind.Conv && (layer.Groups < 1 || layer.InputShape.Channels % layer.Groups != 0 || layer.Filters % layer.Groups != 0))
                throw new DesignRejectedException($"conv layer '{layer.Name}': groups {layer.Groups} does not divide {layer.InputShape.Channels} channels and {layer.Filters} filters");
            bool sparse = ld?.Sparse == true && layer.Kind == LayerKind.Conv;
            int streams = folding.CoarseIn * folding.CoarseGroup;
            int[] streamOf = [];
            if (sparse) streamOf = StreamAssignment(layer, ld!, streams);
            var thresholds = package.Network.ActivationThresholds;
            Plans[i] = new LayerPlan
            {
                Layer = layer, Producers = producers, Folding = folding, Sparse = sparse, StreamOf = streamOf, Streams = streams,
                Weights = weights, Bias = bias, FifoSlackRows = slack,
                Threshold = thresholds.TryGetValue(layer.Name, out var th) ? th : 0,
                FixedRowCycles = FixedCycles(layer, folding, producers.Select(p => layers[p]).ToArray(), board) / Math.Max(1, layer.OutputShape.Rows),
            };
        }
    }

    /// <summary>The deployed weights and biases of a conv or linear layer, refused unless their sizes fit the layer (none for other kinds).</summary>
    private static (float[]? Weights, float[]? Bias) CheckedTensors(Layer layer, Dictionary<string, LayerTensors> tensors)
    {
        if (layer.Kind is not (LayerKind.Conv or LayerKind.Linear)) return (null, null);
        if (!tensors.TryGetValue(layer.Name, out var t))
            throw new DesignRejectedException($"no weights were deployed for {layer.Kind} layer '{layer.Name}'");
        long expected = layer.Kind == LayerKind.Conv
            ? (long)layer.Filters * (layer.InputShape.Channels / Math.Max(1, layer.Groups)) * layer.KernelSize
            : layer.InputShape.Elements * layer.Filters;
        if (t.Weights.Length != expected)
            throw new DesignRejectedException($"layer '{layer.Name}' has {t.Weights.Length} weights, its shape needs {expected}");
        if (t.Bias is not null && t.Bias.Length != layer.Filters)
            throw new DesignRejectedException($"layer '{layer.Name}' has {t.Bias.Length} biases, it has {layer.Filters} outputs");
        return (t.Weights, t.Bias);
    }

    /// <summary>Refuses a layer whose input shape does not follow from its producers' output shapes.</summary>
    private static void CheckShapes(Layer layer, Layer[] producers)
    {
        if (producers.Length == 0) return;
        var first = producers[0].OutputShape;
        string? problem = layer.Kind switch
        {
            LayerKind.Linear or LayerKind.Flatten => first.Elements != layer.InputShape.Elements ? $"takes {layer.InputShape.Elements} values but '{producers[0].Name}' gives {first.Elements}" : null,
            LayerKind.Concat => producers.Any(p => p.OutputShape.Rows != layer.OutputShape.Rows || p.OutputShape.Cols != layer.OutputShape.Cols)
                    || producers.Sum(p => p.OutputShape.Channels) != layer.OutputShape.Channels
                ? $"concatenates {string.Join(" + ", producers.Select(p => p.OutputShape))} into {layer.OutputShape}" : null,
            LayerKind.EltwiseAdd => producers.Any(p => p.OutputShape != layer.OutputShape) ? $"adds {string.Join(", ", producers.Select(p => p.OutputShape))} into {layer.OutputShape}" : null,
            LayerKind.EltwiseMul => first != layer.OutputShape || producers.Skip(1).Any(p => p.OutputShape != layer.OutputShape && p.OutputShape != new TensorShape(layer.OutputShape.Channels, 1, 1))
                ? $"multiplies {string.Join(", ", producers.Select(p => p.OutputShape))} into {layer.OutputShape}" : null,
            _ => first != layer.InputShape ? $"expects input {layer.InputShape} but '{producers[0].Name}' gives {first}" : null,
        };
        if (problem is not null) throw new DesignRejectedException($"layer '{layer.Name}' ({layer.Kind}) {problem}");
        if (layer.Kind is LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool)
        {
            int ho = (layer.InputShape.Rows + layer.PadTop + layer.PadBottom - layer.KernelRows) / Math.Max(1, layer.StrideRows) + 1;
            int wo = (layer.InputShape.Cols + layer.PadLeft + layer.PadRight - layer.KernelCols) / Math.Max(1, layer.StrideCols) + 1;
            if (ho != layer.OutputShape.Rows || wo != layer.OutputShape.Cols)
                throw new DesignRejectedException($"layer '{layer.Name}' ({layer.Kind}): a {layer.KernelRows}x{layer.KernelCols} window with stride {layer.StrideRows} and padding gives {ho}x{wo}, the graph says {layer.OutputShape.Rows}x{layer.OutputShape.Cols}");
        }
    }

    private static int[] StreamAssignment(Layer layer, LayerDesign ld, int streams)
    {
        int channels = layer.InputShape.Channels;
        var streamOf = new int[channels];
        if (ld.StreamChannels.Count == 0)
        {
            for (int c = 0; c < channels; c++) streamOf[c] = c % streams;
            return streamOf;
        }
        if (ld.StreamChannels.Count != streams)
            throw new DesignRejectedException($"layer '{layer.Name}': {ld.StreamChannels.Count} stream channel lists for {streams} streams (coarse_in × coarse_group)");
        Array.Fill(streamOf, -1);
        for (int s = 0; s < streams; s++)
            foreach (int c in ld.StreamChannels[s])
            {
                if (c < 0 || c >= channels || streamOf[c] >= 0)
                    throw new DesignRejectedException($"layer '{layer.Name}': stream {s} names channel {c}, which is out of range or already assigned");
                streamOf[c] = s;
            }
        int missing = Array.IndexOf(streamOf, -1);
        if (missing >= 0) throw new DesignRejectedException($"layer '{layer.Name}': channel {missing} is in no stream");
        return streamOf;
    }

    /// <summary>Cycles per image of the layers whose timing does not depend on the data (dense formulas).</summary>
    private static double FixedCycles(Layer l, LayerFolding f, Layer[] producers, BoardSpec board)
    {
        var i = l.InputShape;
        var o = l.OutputShape;
        int coarse = Math.Max(1, f.CoarseIn);
        switch (l.Kind)
        {
            case LayerKind.Input:
                return Math.Ceiling((double)o.Elements / Math.Max(1, board.PortWidthBits / 16));
            case LayerKind.Conv:
            {
                int g = Math.Max(1, l.Groups);
                long hp = i.Rows + l.PadTop + l.PadBottom, wp = i.Cols + l.PadLeft + l.PadRight;
                long cs = i.Channels / (f.CoarseIn * f.CoarseGroup);
                long ca = (long)i.Channels * l.KernelSize / ((long)f.Fine * f.CoarseIn * f.CoarseGroup);
                long fv = l.Filters / ((long)f.CoarseOut * g);
                return Math.Max(hp * wp * Math.Max(1, cs), (long)o.Rows * o.Cols * Math.Max(1, ca) * Math.Max(1, fv));
            }
            case LayerKind.Linear:
                return Math.Ceiling((double)i.Elements / f.CoarseIn) * Math.Ceiling((double)l.Filters / f.CoarseOut);
            case LayerKind.MaxPool or LayerKind.AvgPool:
                return (double)(i.Rows + l.PadTop + l.PadBottom) * (i.Cols + l.PadLeft + l.PadRight) * i.Channels / coarse;
            case LayerKind.Concat:
                return (double)o.Rows * o.Cols * producers.Sum(p => p.OutputShape.Channels) / coarse;
            case LayerKind.Flatten:
                return 0;
            default: // GlobalPool, activations, element-wise: one word per stream per cycle over the input
                return (double)i.Elements / coarse;
        }
    }

    /// <summary>Runs one image (C×H×W) through the network.</summary>
    internal ImageTrace Run(float[] image) => Run(image, null);

    /// <param name="histograms">Per sparse conv layer (graph index), a C×(K+1) zero-product histogram to add this image to.</param>
    internal ImageTrace Run(float[] image, IReadOnlyDictionary<int, long[]>? histograms)
    {
        if (image.Length != InputShape.Elements)
            throw new ArgumentException($"image of {image.Length} values does not match the input shape {InputShape}");
        var outputs = new float[Plans.Length][];
        var rowCycles = new double[Plans.Length][];
        for (int i = 0; i < Plans.Length; i++)
        {
            var plan = Plans[i];
            var rows = new double[plan.Rows];
            if (plan.Layer.Kind == LayerKind.Conv && plan.Sparse)
            {
                outputs[i] = Kernels.Conv(plan, outputs[plan.Producers[0]], rows, histograms?.GetValueOrDefault(i));
            }
            else
            {
                outputs[i] = plan.Layer.Kind == LayerKind.Input ? (float[])image.Clone() : Kernels.Compute(plan, plan.Producers.Select(p => outputs[p]).ToArray(), Plans);
                Array.Fill(rows, plan.FixedRowCycles);
            }
            rowCycles[i] = rows;
        }
        return new ImageTrace(outputs, rowCycles);
    }

    /// <summary>Index of the largest value of the last layer's output (the predicted class).</summary>
    internal static ushort ArgMax(float[] values)
    {
        int best = 0;
        for (int k = 1; k < values.Length; k++) if (values[k] > values[best]) best = k;
        return (ushort)Math.Min(best, ushort.MaxValue);
    }
}
