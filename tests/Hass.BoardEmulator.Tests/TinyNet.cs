using Hass.Abstractions;

namespace Hass.Board.Testing;

/// <summary>
/// A hand-built tiny CNN with real (seeded, partly pruned) weights and its hardware design:
/// input 1×8×8 → conv1 3×3 (4) → relu1 (threshold 0.1) → conv2 3×3/2 groups 2 (8) → relu2 → conv3 depthwise 3×3 (8)
/// → add(conv3, relu2) → maxpool 2×2 → flatten → fc (10).
/// </summary>
public static class TinyNet
{
    public const string BoardName = "u250";

    private static Layer L(string name, LayerKind kind, TensorShape input, TensorShape output, params string[] inputs) =>
        new() { Name = name, Kind = kind, InputShape = input, OutputShape = output, Inputs = inputs };

    public static NetworkGraph Graph()
    {
        var s1 = new TensorShape(1, 8, 8);
        var s4 = new TensorShape(4, 8, 8);
        var s8 = new TensorShape(8, 4, 4);
        var p8 = new TensorShape(8, 2, 2);
        var flat = new TensorShape(32, 1, 1);
        var logits = new TensorShape(10, 1, 1);
        return new NetworkGraph
        {
            Name = "tiny",
            Classes = 10,
            Layers =
            [
                L("input", LayerKind.Input, s1, s1),
                L("conv1", LayerKind.Conv, s1, s4, "input") with { KernelRows = 3, KernelCols = 3, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1, HasBias = true },
                L("relu1", LayerKind.ReLU, s4, s4, "conv1"),
                L("conv2", LayerKind.Conv, s4, s8, "relu1") with { KernelRows = 3, KernelCols = 3, StrideRows = 2, StrideCols = 2, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1, Groups = 2 },
                L("relu2", LayerKind.ReLU, s8, s8, "conv2"),
                L("conv3", LayerKind.Conv, s8, s8, "relu2") with { KernelRows = 3, KernelCols = 3, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1, Groups = 8 },
                L("add", LayerKind.EltwiseAdd, s8, s8, "conv3", "relu2"),
                L("pool", LayerKind.MaxPool, s8, p8, "add") with { KernelRows = 2, KernelCols = 2, StrideRows = 2, StrideCols = 2 },
                L("flatten", LayerKind.Flatten, p8, flat, "pool"),
                L("fc", LayerKind.Linear, flat, logits, "flatten") with { HasBias = true },
            ],
        };
    }

    /// <summary>Seeded weights; magnitudes below <paramref name="pruneBelow"/> are zero (magnitude pruning).</summary>
    public static DeployableNetwork Network(double pruneBelow = 0.3, double reluThreshold = 0.1, int seed = 7)
    {
        var graph = Graph();
        var rng = new Random(seed);
        float[] Values(long n, double scale)
        {
            var v = new float[n];
            for (long i = 0; i < n; i++)
            {
                double x = (rng.NextDouble() * 2 - 1) * scale;
                v[i] = Math.Abs(x) < pruneBelow * scale ? 0f : (float)x;
            }
            return v;
        }
        var tensors = new List<LayerTensors>();
        foreach (var l in graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear))
        {
            long weights = l.Kind == LayerKind.Conv ? (long)l.Filters * (l.InputShape.Channels / l.Groups) * l.KernelSize : l.InputShape.Elements * l.Filters;
            tensors.Add(new LayerTensors(l.Name, Values(weights, 1.0), l.HasBias ? Values(l.Filters, 0.1) : null));
        }
        return new DeployableNetwork(graph, tensors, new Dictionary<string, double> { ["relu1"] = reluThreshold, ["relu2"] = reluThreshold });
    }

    public static HardwareDesign Design(string board = BoardName, double dsp = 64)
    {
        var graph = Graph();
        LayerDesign D(string name, LayerKind kind, LayerFolding folding, double cycles, bool sparse = false, int[][]? streams = null) =>
            new() { Layer = name, Kind = kind, Folding = folding, Cycles = cycles, Sparse = sparse, StreamChannels = streams ?? [] };
        return new HardwareDesign
        {
            Backend = "dataflow-sparse",
            BackendVersion = "test",
            Board = board,
            Graph = graph.Name,
            GraphHash = graph.ContentHash(),
            Layers =
            [
                D("input", LayerKind.Input, LayerFolding.Unit, 2),
                D("conv1", LayerKind.Conv, new LayerFolding(CoarseOut: 2, Fine: 3), 200, sparse: true, streams: [[0]]),
                D("relu1", LayerKind.ReLU, new LayerFolding(CoarseIn: 4, CoarseOut: 4), 64),
                D("conv2", LayerKind.Conv, new LayerFolding(CoarseIn: 2, CoarseOut: 2, Fine: 3), 200, sparse: true, streams: [[0, 3], [1, 2]]),
                D("relu2", LayerKind.ReLU, new LayerFolding(CoarseIn: 2, CoarseOut: 2), 64),
                D("conv3", LayerKind.Conv, new LayerFolding(CoarseGroup: 2, Fine: 9), 144),
                D("add", LayerKind.EltwiseAdd, new LayerFolding(CoarseIn: 2, CoarseOut: 2), 64),
                D("pool", LayerKind.MaxPool, new LayerFolding(CoarseIn: 2, CoarseOut: 2), 64),
                D("flatten", LayerKind.Flatten, LayerFolding.Unit, 0),
                D("fc", LayerKind.Linear, new LayerFolding(CoarseIn: 4, CoarseOut: 2), 40),
            ],
            Performance = new Performance { ThroughputImagesPerSecond = 250e6 / 200, IntervalCycles = 200, BottleneckLayer = "conv1" },
            Resources = new ResourceUsage(Dsp: dsp, Bram18: 10, Uram: 0, Lut: 20000, Ff: 30000),
        };
    }

    /// <summary>Seeded images normalised like Fashion-MNIST ((x − 0.286)/0.353 for x in [0, 1]).</summary>
    public static float[] Images(int count, int seed = 11)
    {
        var rng = new Random(seed);
        var data = new float[count * 64];
        for (int i = 0; i < data.Length; i++) data[i] = (float)((rng.NextDouble() - 0.286) / 0.353);
        return data;
    }
}
