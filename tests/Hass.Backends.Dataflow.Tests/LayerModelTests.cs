using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>Per layer kind: cycles and resources computed by hand from the formulas in the plugin README.</summary>
public class LayerModelTests
{
    internal static Node NodeOf(NetworkGraph graph, string layer, SparsityProfile? profile = null, bool sparse = true)
    {
        var net = NetworkModel.Build(graph, profile ?? SparsityProfile.Dense(), sparse, 0.1);
        return net.Nodes.Single(n => n.Name == layer);
    }

    internal static NetworkGraph SingleConv(int c, int h, int w, int f, int k, int stride = 1, int pad = 1, int groups = 1, bool bias = false)
    {
        var b = new GraphBuilder("one-conv");
        var x = b.Input(c, h, w);
        var layer = new Layer
        {
            Name = "conv", Kind = LayerKind.Conv, Inputs = [x], InputShape = new TensorShape(c, h, w),
            OutputShape = new TensorShape(f, (h + 2 * pad - k) / stride + 1, (w + 2 * pad - k) / stride + 1),
            KernelRows = k, KernelCols = k, StrideRows = stride, StrideCols = stride, PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad,
            Groups = groups, HasBias = bias,
        };
        return new NetworkGraph { Name = "one-conv", Layers = [b.Build(0).Layers[0], layer] };
    }

    internal static SparsityProfile Profile(string layer, int k, params double[][] rows) =>
        new() { Layers = [new LayerSparsity { Layer = layer, KernelSize = k, Histogram = rows }] };

    private static double[] Bin(int k, params (int Zeros, double P)[] bins)
    {
        var row = new double[k + 1];
        foreach (var (z, p) in bins) row[z] = p;
        return row;
    }

    [Fact]
    public void Dense_conv_cycles_dsp_and_bram()
    {
        // C=16, 8×8, F=32, 3×3 pad 1: Hp=Wp=10. ci=2 co=4 f=3: Cs=8, data in 10·10·8=800,
        // compute 8·8·(16·9/(3·2))·(32/4) = 12288, out 8·8·32/4 = 512.
        var node = NodeOf(SingleConv(16, 8, 8, 32, 3), "conv");
        Assert.Equal(NodeImplementation.DenseConv, node.Implementation);
        var cost = CostModel.Evaluate(node, new LayerFolding(2, 4, 1, 3));
        Assert.Equal(12288, cost.Cycles);
        Assert.Equal(24, cost.Resources.Dsp); // 2·4·3 multipliers × dsp_mult(16,16)=1
        // Weights 4608 in 24 lanes: D=192 × 384 bits → ceil(384/36)·ceil(192/512) = 11 BRAM18.
        // Line buffer: fifo(80 deep, 2·2·16=64 bits) = 2 BRAM18; window buffers 8 deep → LUTRAM.
        Assert.Equal(11, cost.WeightMemoryBram18);
        Assert.Equal(13, cost.Resources.Bram18);
        Assert.Equal(4, cost.StreamsOut);
        Assert.Equal(2, cost.StreamsIn);
    }

    [Fact]
    public void Dense_conv_is_bound_by_its_padded_input_when_folded_far()
    {
        // ci=16 co=32 f=9 → compute 8·8·1·1 = 64; data in = 10·10·1 = 100 (padded rows and cols).
        var node = NodeOf(SingleConv(16, 8, 8, 32, 3), "conv");
        Assert.Equal(100, CostModel.Evaluate(node, new LayerFolding(16, 32, 1, 9)).Cycles);
    }

    [Fact]
    public void Depthwise_conv_uses_coarse_group()
    {
        // C=F=G=32, 3×3 pad 1 on 8×8; cg=8: S=8, compute 8·8·(32·9/(1·8))·(32/(1·32)) = 2304.
        var node = NodeOf(SingleConv(32, 8, 8, 32, 3, groups: 32), "conv");
        Assert.Equal([1], node.CoarseIn);
        Assert.Equal([1], node.CoarseOut);
        var cost = CostModel.Evaluate(node, new LayerFolding(1, 1, 8, 1));
        Assert.Equal(2304, cost.Cycles);
        Assert.Equal(8, cost.Resources.Dsp);
        Assert.Throws<ArgumentException>(() => node.CheckFeasible(new LayerFolding(2, 1, 1, 1)));
    }

    private static SparsityProfile FourChannelProfile() => Profile("conv", 9,
        Bin(9, (9, 1.0)),              // channel 0: every window all-zero → e = 0
        Bin(9, (0, 1.0)),              // channel 1: no zeros → e = ceil(9/f)
        Bin(9, (5, 1.0)),              // channel 2: 4 non-zeros → e = ceil(4/f)
        Bin(9, (0, 0.5), (9, 0.5)));   // channel 3: e = 0.5·ceil(9/f)

    [Fact]
    public void Sparse_conv_snake_interleaving_and_zero_window_skipping()
    {
        // C=4, 4×4, F=2, 3×3 pad 1. fine=1: e = [0, 9, 4, 4.5]; sorted slowest first: 1, 3, 2, 0.
        // Grid 2×2 rows [1,3] and [2,0] reversed to [0,2]: stream 0 = {1,0} (mean 4.5), stream 1 = {3,2} (4.25).
        // workload = 4·4·(4/2)·(2/1) = 64 → op = 288; data in 6·6·4/2 = 72, out 4·4·2 = 32 → 288.
        var node = NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", FourChannelProfile());
        Assert.Equal(NodeImplementation.SparseConv, node.Implementation);
        Assert.Equal(Enumerable.Range(1, 9), node.Fine);
        Assert.Equal(288, CostModel.Evaluate(node, new LayerFolding(2, 1, 1, 1)).Cycles);
        var (max, streams) = SparseInterleaving.SparseStreamCycles(node, 1, 2, withChannels: true);
        Assert.Equal(4.5, max, 12);
        Assert.Equal([1, 0], streams[0]);
        Assert.Equal([3, 2], streams[1]);

        // fine=3: e = [0, 3, 2, 1.5]; order 1, 2, 3, 0; streams {1,0} = 1.5 and {2,3} = 1.75 → op = 64·1.75 = 112.
        Assert.Equal(112, CostModel.Evaluate(node, new LayerFolding(2, 1, 1, 3)).Cycles);
        Assert.Equal([2, 3], SparseInterleaving.SparseStreamCycles(node, 3, 2, withChannels: true).Streams[1]);
        // fine=4 is feasible for a sparse layer (any 1..K); a dense layer only takes divisors of K.
        node.CheckFeasible(new LayerFolding(1, 1, 1, 4));
        var dense = NodeOf(SingleConv(4, 4, 4, 2, 3), "conv");
        Assert.Throws<ArgumentException>(() => dense.CheckFeasible(new LayerFolding(1, 1, 1, 4)));
    }

    [Fact]
    public void Sparse_conv_data_term_uses_padded_rows_and_cols()
    {
        // All windows all-zero: only data movement remains. 16×8 input, pad 1: Hp·Wp·C/S = 18·10·4 = 720
        // (the reference squares the rows and drops the padding: 16·16·4 = 1024).
        var graph = new GraphBuilder("rect");
        var x = graph.Input(4, 16, 8);
        graph.Conv("conv", x, 1, 3);
        var rows = Enumerable.Range(0, 4).Select(_ => Bin(9, (9, 1.0))).ToArray();
        var node = NodeOf(graph.Build(0), "conv", Profile("conv", 9, rows));
        Assert.Equal(720, CostModel.Evaluate(node, LayerFolding.Unit).Cycles);
    }

    [Fact]
    public void Pointwise_sparse_conv_clips_at_one_minus_one_over_streams()
    {
        // 1×1, C=8, 4×4, F=8, each channel 50% zero. ci=4: workload 4·4·2·8 = 256 × (1 − min(0.5, 0.75)) = 128;
        // data in 4·4·8/4 = 32, out 4·4·8 = 128 → 128. ci=1: clip at 0 → 1024.
        var rows = Enumerable.Range(0, 8).Select(_ => new[] { 0.5, 0.5 }).ToArray();
        var node = NodeOf(SingleConv(8, 4, 4, 8, 1, pad: 0), "conv", Profile("conv", 1, rows));
        Assert.Equal(NodeImplementation.PointwiseSparseConv, node.Implementation);
        Assert.Equal(128, CostModel.Evaluate(node, new LayerFolding(4, 1, 1, 1)).Cycles);
        Assert.Equal(1024, CostModel.Evaluate(node, LayerFolding.Unit).Cycles);
    }

    [Fact]
    public void Layer_below_the_sparsity_threshold_or_without_histogram_stays_dense()
    {
        var rows = Enumerable.Range(0, 4).Select(_ => Bin(9, (0, 0.95), (9, 0.05))).ToArray(); // mean sparsity 0.05
        Assert.Equal(NodeImplementation.DenseConv, NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", Profile("conv", 9, rows)).Implementation);
        Assert.Equal(NodeImplementation.DenseConv, NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", SparsityProfile.Dense()).Implementation);
        Assert.Equal(NodeImplementation.DenseConv, NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", FourChannelProfile(), sparse: false).Implementation);
    }

    [Fact]
    public void Linear_has_no_shift_scale_floor()
    {
        // C=512 → F=10, ci=8 co=2: 512/8 · 10/2 = 320 cycles (the reference floors at H·W·C = 512).
        var b = new GraphBuilder("fc");
        var x = b.Input(512, 1, 1);
        b.Linear("fc", x, 10, bias: false);
        var node = NodeOf(b.Build(10), "fc");
        var cost = CostModel.Evaluate(node, new LayerFolding(8, 2, 1, 1));
        Assert.Equal(320, cost.Cycles);
        Assert.Equal(16, cost.Resources.Dsp);
        // 5120 weights in 16 lanes: D=320 × 256 bits → ceil(256/36)·ceil(320/512) = 8 BRAM18.
        Assert.Equal(8, cost.Resources.Bram18);
    }

    [Fact]
    public void Pooling_global_pooling_and_activations()
    {
        var b = new GraphBuilder("misc");
        var x = b.Input(64, 112, 112);
        var p = b.Pool("maxpool", x, LayerKind.MaxPool, 3, 2, 1);
        var r = b.Act("relu", p, LayerKind.ReLU);
        var h = b.Act("hswish", r, LayerKind.Hardswish);
        b.GlobalPool("gap", h);
        var g = b.Build(0);
        // Max pool 3×3 s2 p1 on 112×112, coarse 4: padded 114·114·64/4 = 207936.
        Assert.Equal(207936, CostModel.Evaluate(NodeOf(g, "maxpool"), new LayerFolding(4, 4)).Cycles);
        // ReLU on 64×56×56, coarse 4: 50176 cycles, no DSP.
        var relu = CostModel.Evaluate(NodeOf(g, "relu"), new LayerFolding(4, 4));
        Assert.Equal(50176, relu.Cycles);
        Assert.Equal(0, relu.Resources.Dsp);
        Assert.Equal(5 * 4, CostModel.Evaluate(NodeOf(g, "hswish"), new LayerFolding(4, 4)).Resources.Dsp);
        // Global pool sees every word: 56·56·64/8 = 25088 (the reference gives C/coarse = 8).
        var gap = CostModel.Evaluate(NodeOf(g, "gap"), new LayerFolding(8, 8));
        Assert.Equal(25088, gap.Cycles);
        Assert.Equal(8 * 2, gap.Resources.Dsp); // dsp_mult(16, 32) = 2 per lane
    }

    [Fact]
    public void Eltwise_add_mul_and_concat()
    {
        var b = new GraphBuilder("merge");
        var x = b.Input(32, 8, 8);
        var c1 = b.Conv("c1", x, 32, 3);
        var add = b.Eltwise("add", LayerKind.EltwiseAdd, c1, x);
        var gap = b.GlobalPool("gap", add);
        var mul = b.Eltwise("mul", LayerKind.EltwiseMul, add, gap);
        var c2 = b.Conv("c2", mul, 64, 1);
        b.Concat("cat", mul, c2);
        var g = b.Build(0);
        var addNode = NodeOf(g, "add");
        Assert.Equal(8 * 8 * 32 / 2, CostModel.Evaluate(addNode, new LayerFolding(2, 2)).Cycles);
        // The skip port waits for the 3×3 conv's fill: (2 rows·10 + 3)/100 + 1/64 of its 2048 words.
        Assert.Equal(Math.Ceiling((23.0 / 100 + 1.0 / 64) * 2048), addNode.PortFifoWords[1]);
        Assert.Equal(0, addNode.PortFifoWords[0]);
        var mulNode = NodeOf(g, "mul");
        Assert.True(mulNode.HasBroadcastInput);
        // The main port of the squeeze-excite multiply buffers a whole feature map (the scale needs all of it).
        Assert.Equal(2048, mulNode.PortFifoWords[0]);
        var mulCost = CostModel.Evaluate(mulNode, new LayerFolding(4, 4));
        Assert.Equal(512, mulCost.Cycles);
        Assert.Equal(4, mulCost.Resources.Dsp);
        var cat = NodeOf(g, "cat");
        Assert.Equal(ResourcePrimitives.Divisors(32), cat.CoarseIn);
        Assert.Equal(8 * 8 * 96 / 4, CostModel.Evaluate(cat, new LayerFolding(4, 4)).Cycles);
    }

    [Fact]
    public void Avg_pool_relu6_hardsigmoid_and_dense_pointwise()
    {
        var b = new GraphBuilder("more");
        var x = b.Input(32, 14, 14);
        var p = b.Pool("avgpool", x, LayerKind.AvgPool, 2, 2);
        var r6 = b.Act("relu6", p, LayerKind.ReLU6);
        var hs = b.Act("hsig", r6, LayerKind.Hardsigmoid);
        b.Conv("pw", hs, 64, 1, pad: 0);
        var g = b.Build(0);
        // Avg pool 2×2 s2 on 14×14, coarse 2: 14·14·32/2 = 3136 cycles, one DSP per lane for the 1/K scale.
        var avg = CostModel.Evaluate(NodeOf(g, "avgpool"), new LayerFolding(2, 2));
        Assert.Equal((3136.0, 2.0), (avg.Cycles, avg.Resources.Dsp));
        var relu6 = CostModel.Evaluate(NodeOf(g, "relu6"), new LayerFolding(4, 4));
        Assert.Equal((7.0 * 7 * 32 / 4, 0.0), (relu6.Cycles, relu6.Resources.Dsp));
        Assert.Equal(4, CostModel.Evaluate(NodeOf(g, "hsig"), new LayerFolding(4, 4)).Resources.Dsp);
        // Dense 1×1: 7·7·(32·1/(1·4))·(64/8) = 3136 cycles with 4·8 = 32 multipliers.
        var pw = CostModel.Evaluate(NodeOf(g, "pw"), new LayerFolding(4, 8, 1, 1));
        Assert.Equal((3136.0, 32.0), (pw.Cycles, pw.Resources.Dsp));
    }

    [Fact]
    public void Flatten_passes_words_through()
    {
        var b = new GraphBuilder("flat");
        var x = b.Input(64, 7, 7);
        b.Flatten("flatten", x);
        var cost = CostModel.Evaluate(NodeOf(b.Build(0), "flatten"), LayerFolding.Unit);
        Assert.Equal(3136, cost.Cycles);
        Assert.Equal(0, cost.Resources.Lut);
    }

    [Fact]
    public void Bad_histograms_are_refused_with_the_layer_name()
    {
        var wrongRows = Profile("conv", 9, Bin(9, (0, 1.0)));
        var e = Assert.Throws<ArgumentException>(() => NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", wrongRows));
        Assert.Contains("'conv'", e.Message);
        Assert.Contains("4 input channels", e.Message);
        var notNormalised = Profile("conv", 9, Enumerable.Range(0, 4).Select(_ => Bin(9, (0, 0.5))).ToArray());
        Assert.Contains("sums to", Assert.Throws<ArgumentException>(() => NodeOf(SingleConv(4, 4, 4, 2, 3), "conv", notNormalised)).Message);
    }
}
