using Hass.Abstractions;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>The lane-aware sparse figure (sparseCycles "lane-max") and the cost-model options, computed by hand.</summary>
public class LaneModelTests
{
    private static double[] Bins(params (int Zeros, double Fraction)[] entries)
    {
        var b = new double[10];
        foreach (var (z, f) in entries) b[z] += f;
        return b;
    }

    /// <summary>
    /// 2×2×2 input, 3×3 pad 1, 2 filters. Channel 0: row 0 has a quarter of its pairs dense (9 non-zero) and a quarter
    /// all-zero, row 1 half dense; channel 1: row 0 half dense, row 1 all-zero. Lane shares (filter 0, filter 1):
    /// channel 0 3:1, channel 1 1:1.
    /// </summary>
    private static SparsityProfile HandProfile() => new()
    {
        Layers =
        [
            new LayerSparsity
            {
                Layer = "conv", KernelSize = 9,
                Histogram = [Bins((0, 0.75), (9, 0.25)), Bins((0, 0.5), (9, 0.5))],
                RowHistogram =
                [
                    [Bins((0, 0.25), (9, 0.25)), Bins((0, 0.5))],
                    [Bins((0, 0.5)), Bins((9, 0.5))],
                ],
                FilterNonZeros = [[3, 1], [1, 1]],
            },
        ],
    };

    private static Node HandNode(DesignOptions options) =>
        NetworkModel.Build(LayerModelTests.SingleConv(2, 2, 2, 2, 3), HandProfile(), sparse: true, options).Nodes.Single(n => n.Name == "conv");

    [Fact]
    public void Lane_max_pays_the_slowest_lane_of_every_row()
    {
        // 8 (window, filter) pairs per channel and image; fine 1: a dense window costs 9. R[row, channel]:
        // R[0,0] = 8·0.25·9 = 18, R[1,0] = 36, R[0,1] = 36, R[1,1] = 0.
        // ci 1, co 2 (one stream, two lanes): row 0 max(18·.75 + 36·.5, 18·.25 + 36·.5) = 31.5; row 1 max(27, 9) = 27 → 58.5 → 59.
        // Data per row: 2·2·2/1/2 = 4 in, 2·2/2 = 2 out (not binding).
        var node = HandNode(new DesignOptions());
        Assert.Equal(59, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 1)).Cycles);
        // ci 2: channel 0 (the slower) on stream 0, channel 1 on stream 1: row 0 max(13.5, 4.5, 18, 18) = 18; row 1 27 → 45.
        Assert.Equal(45, CostModel.Evaluate(node, new LayerFolding(2, 2, 1, 1)).Cycles);
        Assert.Equal([18, 27], LaneModel.RowCycles(node, 2, 2, 1, 1, 1));
    }

    [Fact]
    public void Sample_images_pay_each_images_slowest_stream()
    {
        // Two images whose mean is the hand profile's R: A = row 0 (36, 0), row 1 (36, 0); B = row 0 (0, 72), row 1 (36, 0).
        // ci 2, co 2: stream 0 = channel 0 on its slower lane (share .75), stream 1 = channel 1 (share .5, lane 0).
        // Row 0: A max(27, 0) = 27, B max(0, 36) = 36 → 31.5 (the expected streams alone give 18); row 1: 27 both → 58.5 → 59.
        var profile = HandProfile();
        var sampled = new SparsityProfile { Layers = [profile.Layers[0] with { RowNonZeroSamples = [[[36, 0], [36, 0]], [[0, 72], [36, 0]]] }] };
        var node = NetworkModel.Build(LayerModelTests.SingleConv(2, 2, 2, 2, 3), sampled, sparse: true, new DesignOptions()).Nodes.Single(n => n.Name == "conv");
        Assert.Equal([31.5, 27], LaneModel.RowCycles(node, 2, 2, 1, 1, 1));
        Assert.Equal(59, CostModel.Evaluate(node, new LayerFolding(2, 2, 1, 1)).Cycles);
        // One stream: every image's slowest lane is lane 0 with .75·c0 + .5·c1: A 27, B 36 in row 0; 27 in row 1 → 58.5 → 59, as without samples.
        Assert.Equal(59, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 1)).Cycles);
    }

    [Fact]
    public void Per_filter_histograms_split_a_channels_cycles_over_lanes_at_any_fine()
    {
        // Channel 0: filter 0 meets 0.75 dense windows (9 products), filter 1 0.75 windows of one product; channel 1:
        // both filters half dense. Product shares 0.9 : 0.1 and 0.5 : 0.5. At fine 3 a window costs ceil(products/3):
        // filter 0 0.75·3 = 2.25, filter 1 0.75·1 = 0.75 → 0.75 : 0.25. R at fine 3: R[0,0] = 6, R[1,0] = 12, R[0,1] = 12.
        // ci 1, co 2: row 0 max(6·.75 + 12·.5, 6·.25 + 6) = 10.5, row 1 12·.75 = 9 → 19.5 → 20 (product shares: 11.4 + 10.8 → 23).
        var profile = HandProfile();
        var layer = profile.Layers[0] with
        {
            FilterNonZeros = [[6.75, 0.75], [4.5, 4.5]],
            FilterZeroHistogram = [[Bins((0, 0.75), (9, 0.25)), Bins((8, 0.75), (9, 0.25))], [Bins((0, 0.5), (9, 0.5)), Bins((0, 0.5), (9, 0.5))]],
        };
        var graph = LayerModelTests.SingleConv(2, 2, 2, 2, 3);
        var node = NetworkModel.Build(graph, new SparsityProfile { Layers = [layer] }, sparse: true, new DesignOptions()).Nodes.Single(n => n.Name == "conv");
        Assert.Equal(20, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 3)).Cycles);
        var byProducts = NetworkModel.Build(graph, new SparsityProfile { Layers = [layer with { FilterZeroHistogram = null }] }, sparse: true, new DesignOptions()).Nodes.Single(n => n.Name == "conv");
        Assert.Equal(23, CostModel.Evaluate(byProducts, new LayerFolding(1, 2, 1, 3)).Cycles);
        // At fine 1 the two agree (cycles are products).
        Assert.Equal(CostModel.Evaluate(byProducts, new LayerFolding(1, 2, 1, 1)).Cycles, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 1)).Cycles);
        var bad = new SparsityProfile { Layers = [layer with { FilterZeroHistogram = [[Bins((0, 1))]] }] };
        Assert.Contains("filterZeroHistogram", Assert.Throws<ArgumentException>(() => NetworkModel.Build(graph, bad, sparse: true, new DesignOptions())).Message);
    }

    [Fact]
    public void Samples_of_the_wrong_shape_are_refused()
    {
        var profile = HandProfile();
        var bad = new SparsityProfile { Layers = [profile.Layers[0] with { RowNonZeroSamples = [[[36, 0]]] }] };
        var e = Assert.Throws<ArgumentException>(() => NetworkModel.Build(LayerModelTests.SingleConv(2, 2, 2, 2, 3), bad, sparse: true, new DesignOptions()));
        Assert.Contains("rowNonZeroSamples", e.Message);
    }

    [Fact]
    public void Average_figure_stays_available_and_is_lower()
    {
        // e = (6.75, 4.5); ci 1, co 2: workload 2·2·2·1 = 8 × mean 5.625 = 45; ci 2: 4 × 6.75 = 27.
        var node = HandNode(new DesignOptions { SparseCycles = DesignOptions.AverageCycles });
        Assert.Equal(45, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 1)).Cycles);
        Assert.Equal(27, CostModel.Evaluate(node, new LayerFolding(2, 2, 1, 1)).Cycles);
    }

    [Fact]
    public void Not_skipping_all_zero_windows_charges_them_one_cycle()
    {
        // Lane-max: R[0,0] = 18 + 8·0.25 = 20, R[1,1] = 8·0.5 = 4: row 0 max(15 + 18, 5 + 18) = 33, row 1 max(27 + 2, 9 + 2) = 29 → 62.
        Assert.Equal(62, CostModel.Evaluate(HandNode(new DesignOptions { SkipAllZeroWindows = false }), new LayerFolding(1, 2, 1, 1)).Cycles);
        // Average: e = (7, 5), 8 × 6 = 48.
        var average = new DesignOptions { SkipAllZeroWindows = false, SparseCycles = DesignOptions.AverageCycles };
        Assert.Equal(48, CostModel.Evaluate(HandNode(average), new LayerFolding(1, 2, 1, 1)).Cycles);
    }

    [Fact]
    public void Without_row_and_filter_statistics_lane_max_equals_the_average_when_compute_binds()
    {
        var profile = HandProfile();
        var bare = new SparsityProfile { Layers = [profile.Layers[0] with { RowHistogram = null, FilterNonZeros = null }] };
        var node = NetworkModel.Build(LayerModelTests.SingleConv(2, 2, 2, 2, 3), bare, sparse: true, new DesignOptions()).Nodes.Single(n => n.Name == "conv");
        Assert.Equal(45, CostModel.Evaluate(node, new LayerFolding(1, 2, 1, 1)).Cycles);
    }

    [Theory]
    [InlineData(1, 256)]   // mean zero fraction 0.5 over all streams: 512 × 0.5
    [InlineData(2, 461)]   // clusters {0,1} skip 0.9 clipped to 0.5, {2,3} skip 0.1: 512 × 0.9 = 460.8
    [InlineData(4, 512)]   // one stream per cluster: nothing can be skipped (clip at 1 − 1/1)
    [InlineData(3, 461)]   // 3 does not divide S = 4: the largest divisor below, 2
    public void Pointwise_clusters_balance_streams_in_groups(int clusters, double cycles)
    {
        // 1×1, C = 16 on S = 4 naive streams (c mod 4): streams 0 and 1 carry 90 % zeros, streams 2 and 3 10 %.
        // Workload 4·4·(16/4)·8 = 512; data in 16·16/4 = 64, out 16·8 = 128.
        var rows = Enumerable.Range(0, 16).Select(c => c % 4 < 2 ? new[] { 0.1, 0.9 } : new[] { 0.9, 0.1 }).ToArray();
        var profile = new SparsityProfile { Layers = [new LayerSparsity { Layer = "conv", KernelSize = 1, Histogram = rows }] };
        var options = new DesignOptions { SparseCycles = DesignOptions.AverageCycles, PointwiseClusters = clusters };
        var node = NetworkModel.Build(LayerModelTests.SingleConv(16, 4, 4, 8, 1, pad: 0), profile, sparse: true, options).Nodes.Single(n => n.Name == "conv");
        Assert.Equal(cycles, CostModel.Evaluate(node, new LayerFolding(4, 1, 1, 1)).Cycles);
    }

    [Fact]
    public void Lutram_depth_threshold_moves_weight_memories_out_of_bram()
    {
        // 16→16 3×3 at unit folding: 2304 × 16-bit weights: 3 BRAM18; with LUTRAM up to 4096 deep: none.
        var graph = LayerModelTests.SingleConv(16, 8, 8, 16, 3);
        Node ConvWith(int depth) => NetworkModel.Build(graph, SparsityProfile.Dense(), sparse: false, new DesignOptions { LutramMaxDepth = depth }).Nodes.Single(n => n.Name == "conv");
        var inBram = CostModel.Evaluate(ConvWith(64), LayerFolding.Unit);
        var inLutram = CostModel.Evaluate(ConvWith(4096), LayerFolding.Unit);
        Assert.Equal(3, inBram.WeightMemoryBram18);
        Assert.Equal(0, inLutram.WeightMemoryBram18);
        Assert.True(inLutram.Resources.Lut > inBram.Resources.Lut);
    }

    [Fact]
    public void Dense_below_sparsity_decides_which_layers_are_sparse()
    {
        // Mean sparsity of the hand profile: (0.25 + 0.5)/2 = 0.375.
        var graph = LayerModelTests.SingleConv(2, 2, 2, 2, 3);
        Assert.True(NetworkModel.Build(graph, HandProfile(), true, new DesignOptions { DenseBelowSparsity = 0.3 }).Nodes[1].IsSparse);
        Assert.False(NetworkModel.Build(graph, HandProfile(), true, new DesignOptions { DenseBelowSparsity = 0.4 }).Nodes[1].IsSparse);
    }

    [Fact]
    public void Bad_options_are_refused_with_their_name()
    {
        var graph = LayerModelTests.SingleConv(2, 2, 2, 2, 3);
        var e = Assert.Throws<ArgumentException>(() => NetworkModel.Build(graph, HandProfile(), true, new DesignOptions { SparseCycles = "median" }));
        Assert.Contains("sparseCycles", e.Message);
        e = Assert.Throws<ArgumentException>(() => NetworkModel.Build(graph, HandProfile(), true, new DesignOptions { PointwiseClusters = 0 }));
        Assert.Contains("pointwiseClusters", e.Message);
    }
}
