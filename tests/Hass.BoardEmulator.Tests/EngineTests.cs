using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.Board.Testing;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator.Tests;

public class EngineTests
{
    private static readonly BoardSpec Board = EmulatorOptions.DefaultBoard;

    /// <summary>input C×H×W → one conv layer; weights given; design with the given folding.</summary>
    private static EmulatedNetwork SingleConv(TensorShape input, int filters, int kernel, float[] weights, LayerFolding folding, bool sparse, int[][]? streams = null, int pad = 0, int groups = 1)
    {
        int ho = input.Rows + 2 * pad - kernel + 1, wo = input.Cols + 2 * pad - kernel + 1;
        var graph = new NetworkGraph
        {
            Name = "one-conv",
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = input, OutputShape = input },
                new Layer
                {
                    Name = "conv", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = input, OutputShape = new TensorShape(filters, ho, wo),
                    KernelRows = kernel, KernelCols = kernel, PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad, Groups = groups,
                },
            ],
        };
        var design = new HardwareDesign
        {
            Backend = "test", BackendVersion = "1", Board = Board.Name, Graph = graph.Name,
            Layers = [new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Folding = folding, Sparse = sparse, StreamChannels = streams ?? [] }],
            Performance = new Performance(), Resources = ResourceUsage.Zero,
        };
        var network = new DeployableNetwork(graph, [new LayerTensors("conv", weights, null)], new Dictionary<string, double>());
        return new EmulatedNetwork(new DeploymentPackage(design, network), Board);
    }

    [Fact]
    public void Convolution_computes_the_hand_checked_values()
    {
        // 1×3×3 input 1..9, one 2×2 filter [[1,0],[0,-1]]: y = x[i][j] − x[i+1][j+1] = −4 everywhere.
        var net = SingleConv(new TensorShape(1, 3, 3), 1, 2, [1, 0, 0, -1], LayerFolding.Unit, sparse: false);
        var trace = net.Run([1, 2, 3, 4, 5, 6, 7, 8, 9]);
        Assert.Equal(new float[] { -4, -4, -4, -4 }, trace.Outputs[1]);
    }

    [Fact]
    public void Tiny_network_forward_pass_matches_an_independent_reference()
    {
        var network = TinyNet.Network();
        var emulated = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), network), Board);
        var image = TinyNet.Images(1);
        var trace = emulated.Run(image);
        var reference = ReferenceForward.Run(network, image);
        foreach (var (name, expected) in reference)
        {
            int index = network.Graph.Layers.ToList().FindIndex(l => l.Name == name);
            var actual = trace.Outputs[index];
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-4, $"{name}[{i}]: {actual[i]} vs {expected[i]}");
        }
        // Thresholded ReLU: nothing at or below 0.1 survives.
        var relu1 = trace.Outputs[2];
        Assert.All(relu1, v => Assert.True(v == 0 || v > 0.1f));
        Assert.Contains(relu1, v => v == 0);
    }

    [Fact]
    public void Sparse_conv_cycles_count_non_zero_products_per_window_divided_by_fine()
    {
        // 1×3×3 input of ones, 8 filters 3×3 with 5 non-zero weights each, fine 2: each window ceil(5/2) = 3 cycles,
        // one window per filter, 8 filters on one lane → 24 cycles (data movement: 9 in, 8 out).
        var weights = new float[8 * 9];
        for (int f = 0; f < 8; f++) foreach (int k in new[] { 0, 2, 4, 6, 8 }) weights[f * 9 + k] = 0.5f;
        var net = SingleConv(new TensorShape(1, 3, 3), 8, 3, weights, new LayerFolding(Fine: 2), sparse: true);
        Assert.Equal(24, net.Run(Enumerable.Repeat(1f, 9).ToArray()).RowCycles[1].Single());
        // Two output lanes halve the filters per lane.
        var two = SingleConv(new TensorShape(1, 3, 3), 8, 3, weights, new LayerFolding(CoarseOut: 2, Fine: 2), sparse: true);
        Assert.Equal(12, two.Run(Enumerable.Repeat(1f, 9).ToArray()).RowCycles[1].Single());
        // Zero activations make zero products: the all-zero window is skipped, only data movement remains.
        Assert.Equal(9, net.Run(new float[9]).RowCycles[1].Single());
    }

    [Fact]
    public void Stream_interleaving_decides_which_channels_share_a_stream()
    {
        // Channels 0 and 1 have 9 non-zero products per window, channels 2 and 3 none; 32 filters.
        var weights = new float[32 * 4 * 9];
        for (int f = 0; f < 32; f++) for (int c = 0; c < 2; c++) for (int k = 0; k < 9; k++) weights[(f * 4 + c) * 9 + k] = 1f;
        var ones = Enumerable.Repeat(1f, 4 * 9).ToArray();
        double Cycles(int[][] streams) =>
            SingleConv(new TensorShape(4, 3, 3), 32, 3, weights, new LayerFolding(CoarseIn: 2, Fine: 9), sparse: true, streams).Run(ones).RowCycles[1].Single();
        // Both busy channels on one stream: 32 filters × 2 channels × 1 cycle; balanced: 32 × 1 (data in: 18).
        Assert.Equal(64, Cycles([[0, 1], [2, 3]]));
        Assert.Equal(32, Cycles([[0, 2], [1, 3]]));
    }

    [Fact]
    public void Dense_layers_take_the_dense_formula_whatever_the_data()
    {
        var weights = Enumerable.Repeat(1f, 8 * 9).ToArray();
        var net = SingleConv(new TensorShape(1, 6, 6), 8, 3, weights, new LayerFolding(Fine: 3), sparse: false);
        // max(Hp·Wp·C, Ho·Wo·(C·K/f)·F) = max(36, 16·3·8) = 384 per image, over 4 rows.
        Assert.All(net.Run(new float[36]).RowCycles[1], c => Assert.Equal(96, c));
        Assert.All(net.Run(Enumerable.Repeat(1f, 36).ToArray()).RowCycles[1], c => Assert.Equal(96, c));
    }

    [Fact]
    public void Bad_designs_are_rejected_with_the_reason()
    {
        var network = TinyNet.Network();
        Assert.Contains("DSP", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(dsp: 1e6), network), Board)).Message);
        var badStreams = TinyNet.Design() with { Layers = TinyNet.Design().Layers.Select(l => l.Layer == "conv2" ? l with { StreamChannels = [[0, 1], [1, 2]] } : l).ToList() };
        Assert.Contains("conv2", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(new DeploymentPackage(badStreams, network), Board)).Message);
        var missing = network with { Tensors = network.Tensors.Where(t => t.Layer != "fc").ToList() };
        Assert.Contains("'fc'", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), missing), Board)).Message);
        var graph = network.Graph with { Layers = network.Graph.Layers.Select(l => l.Name == "pool" ? l with { StrideRows = 1 } : l).ToList() };
        var badShape = new DeploymentPackage(TinyNet.Design() with { GraphHash = "" }, network with { Graph = graph });
        Assert.Contains("'pool'", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(badShape, Board)).Message);
        var otherGraph = TinyNet.Design() with { GraphHash = new string('0', 64) };
        Assert.Contains("graph hash", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(new DeploymentPackage(otherGraph, network), Board)).Message);
        var noSlack = TinyNet.Design() with { Layers = TinyNet.Design().Layers.Select(l => l.Layer == "conv3" ? l with { FifoSlackRows = 0 } : l).ToList() };
        Assert.Contains("layer 'conv3': fifoSlackRows 0 is outside 1..1024", Assert.Throws<DesignRejectedException>(() => new EmulatedNetwork(new DeploymentPackage(noSlack, network), Board)).Message);
    }

    [Fact]
    public void Pipeline_total_lies_between_the_bottleneck_and_full_serialisation_and_depends_on_the_data()
    {
        var network = TinyNet.Network();
        var emulated = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), network), Board);
        var request = new RunRequest(20, 2, ImageSource.Generated, 5);
        var result = RunExecutor.Execute(emulated, request, null, 250000);
        double bottleneck = result.Layers.Max(l => (double)l.BusyCycles);
        double serial = result.Layers.Sum(l => (double)l.BusyCycles);
        Assert.InRange(result.TotalCycles, bottleneck, serial);
        Assert.Equal(20, result.Predictions.Count);

        // Sparser weights → fewer cycles in the sparse layers → a faster (or equal) pipeline.
        var sparser = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), TinyNet.Network(pruneBelow: 0.8)), Board);
        var faster = RunExecutor.Execute(sparser, request, null, 250000);
        Assert.True(faster.Layers[1].BusyCycles < result.Layers[1].BusyCycles);
        Assert.True(faster.TotalCycles <= result.TotalCycles);

        // Same inputs, same counters: the emulator is deterministic.
        Assert.Equal(result.TotalCycles, RunExecutor.Execute(emulated, request, null, 250000).TotalCycles);
    }

    [Fact]
    public void Steady_state_of_a_single_layer_pipeline_is_its_per_image_cycles()
    {
        var weights = Enumerable.Repeat(1f, 8 * 9).ToArray();
        var net = SingleConv(new TensorShape(1, 6, 6), 8, 3, weights, new LayerFolding(Fine: 3), sparse: false);
        var result = RunExecutor.Execute(net, new RunRequest(10, 3, ImageSource.Generated, 1), null, 250000);
        // 384 cycles per image; the input may add a bubble of under one cycle per image when the FIFO
        // (window span 3 + 2 rows) cannot hold the next image's first rows while the conv finishes the last one.
        Assert.InRange(result.TotalCycles, 10UL * 384, 10UL * 385);
        Assert.Equal(10UL * 384, Assert.Single(result.Layers).BusyCycles);
    }
}

/// <summary>A straightforward second implementation of the tiny net's layers, for cross-checking the emulator.</summary>
internal static class ReferenceForward
{
    public static Dictionary<string, float[]> Run(DeployableNetwork network, float[] image)
    {
        var values = new Dictionary<string, float[]>();
        var tensors = network.Tensors.ToDictionary(t => t.Layer);
        foreach (var l in network.Graph.Layers)
        {
            float[] x = l.Inputs.Count > 0 ? values[l.Inputs[0]] : image;
            values[l.Name] = l.Kind switch
            {
                LayerKind.Input => image,
                LayerKind.Conv => Conv(l, x, tensors[l.Name]),
                LayerKind.ReLU => x.Select(v => v > network.ActivationThresholds.GetValueOrDefault(l.Name) ? v : 0f).ToArray(),
                LayerKind.EltwiseAdd => x.Zip(values[l.Inputs[1]], (a, b) => a + b).ToArray(),
                LayerKind.MaxPool => MaxPool(l, x),
                LayerKind.Flatten => x,
                LayerKind.Linear => Enumerable.Range(0, l.Filters).Select(o => tensors[l.Name].Bias![o] + Enumerable.Range(0, x.Length).Sum(i => tensors[l.Name].Weights[o * x.Length + i] * x[i])).ToArray(),
                _ => throw new NotSupportedException(l.Kind.ToString()),
            };
        }
        return values;
    }

    private static float At(float[] x, TensorShape s, int c, int y, int xx) =>
        y < 0 || y >= s.Rows || xx < 0 || xx >= s.Cols ? 0f : x[(c * s.Rows + y) * s.Cols + xx];

    private static float[] Conv(Layer l, float[] x, LayerTensors t)
    {
        var o = l.OutputShape;
        int cg = l.InputShape.Channels / l.Groups, fg = l.Filters / l.Groups;
        var y = new float[o.Elements];
        for (int f = 0; f < l.Filters; f++)
        for (int oy = 0; oy < o.Rows; oy++)
        for (int ox = 0; ox < o.Cols; ox++)
        {
            double s = t.Bias?[f] ?? 0;
            for (int cl = 0; cl < cg; cl++)
            for (int ky = 0; ky < l.KernelRows; ky++)
            for (int kx = 0; kx < l.KernelCols; kx++)
                s += t.Weights[((f * cg + cl) * l.KernelRows + ky) * l.KernelCols + kx]
                     * At(x, l.InputShape, f / fg * cg + cl, oy * l.StrideRows - l.PadTop + ky, ox * l.StrideCols - l.PadLeft + kx);
            y[(f * o.Rows + oy) * o.Cols + ox] = (float)s;
        }
        return y;
    }

    private static float[] MaxPool(Layer l, float[] x)
    {
        var o = l.OutputShape;
        var y = new float[o.Elements];
        for (int c = 0; c < o.Channels; c++)
        for (int oy = 0; oy < o.Rows; oy++)
        for (int ox = 0; ox < o.Cols; ox++)
        {
            float m = float.NegativeInfinity;
            for (int ky = 0; ky < l.KernelRows; ky++)
            for (int kx = 0; kx < l.KernelCols; kx++)
                m = Math.Max(m, x[(c * l.InputShape.Rows + oy * l.StrideRows + ky) * l.InputShape.Cols + ox * l.StrideCols + kx]);
            y[(c * o.Rows + oy) * o.Cols + ox] = m;
        }
        return y;
    }
}
