using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>Each layer's floor (its cycles at its folding whatever its zeros) and the design's sparsity cap built on it.</summary>
public class SparsityCapTests
{
    private static readonly DataflowBackend Sparse = new(sparse: true);

    public static TheoryData<string, bool, int> Models => new()
    {
        { DesignOptions.LaneMaxCycles, true, 3 }, { DesignOptions.LaneMaxCycles, false, 3 },
        { DesignOptions.AverageCycles, true, 3 }, { DesignOptions.AverageCycles, false, 3 },
        { DesignOptions.LaneMaxCycles, true, 1 }, { DesignOptions.LaneMaxCycles, false, 1 },
        { DesignOptions.AverageCycles, true, 1 }, { DesignOptions.AverageCycles, false, 1 },
    };

    /// <summary>Every window of every conv all zero: the most any threshold can do.</summary>
    private static SparsityProfile AllZero(NetworkGraph graph) => new()
    {
        Model = graph.Name,
        Layers = graph.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => new LayerSparsity
        {
            Layer = l.Name, KernelSize = l.KernelSize, EffectiveSparsity = 1, WeightDensity = 0, ActivationDensity = 0,
            Histogram = Enumerable.Range(0, l.InputShape.Channels).Select(_ => Enumerable.Range(0, l.KernelSize + 1).Select(z => z == l.KernelSize ? 1.0 : 0).ToArray()).ToArray(),
        }).ToList(),
    };

    private static NetworkGraph Graph(int kernel) => kernel == 1
        ? LayerModelTests.SingleConv(16, 14, 14, 32, 1, pad: 0)
        : ZooGraphs.FashionMnistCnn();

    [Theory, MemberData(nameof(Models))]
    public void A_sparse_conv_floor_is_what_its_folding_takes_when_every_product_is_zero(string cycles, bool skipAllZeroWindows, int kernel)
    {
        var g = Graph(kernel);
        var board = Boards.Load("zedboard");
        var options = new DesignOptions { SparseCycles = cycles, SkipAllZeroWindows = skipAllZeroWindows };
        // The lone pointwise conv is given a folding: the DSE would fold it fully and then implement it dense.
        var design = kernel == 1
            ? Sparse.Evaluate(g, SyntheticProfiles.Uniform(g, 0.5), board, new Dictionary<string, LayerFolding> { ["conv"] = new(4, 4, 1, 1) }, options)
            : Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.5), board, options);
        var allZero = Sparse.Evaluate(g, AllZero(g), board, design.Folding, options);
        var sparse = design.Layers.Where(l => l.Sparse).ToList();
        Assert.NotEmpty(sparse);
        foreach (var layer in sparse)
        {
            Assert.Equal(allZero.Layers.Single(l => l.Layer == layer.Layer).Cycles, layer.FloorCycles!.Value, 6);
            Assert.True(layer.FloorCycles <= layer.Cycles + 1e-9, $"{layer.Layer}: floor {layer.FloorCycles} above its cycles {layer.Cycles}");
        }
        Assert.All(design.Layers.Where(l => !l.Sparse && l.Kind != LayerKind.Input), l => Assert.Equal(l.Cycles, l.FloorCycles));
    }

    [Fact]
    public void No_amount_of_zeros_takes_a_folding_past_its_cap()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        // A fifth of its DSPs and LUTs, one configuration: DSP-bound, so zeros still have room to speed it up.
        var options = new DesignOptions { ResourceAllocation = 0.2, RamAllocation = 1, AllowPartitions = false };
        var design = Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.3), board, options);
        var cap = SparsityCap.Of(design)!;
        Assert.True(cap.Headroom > 1.05, $"headroom {cap.Headroom}");
        Assert.Equal(board.ClockMhz * 1e6 / cap.FloorCycles, cap.ImagesPerSecond, 6);
        foreach (var profile in new[] { SyntheticProfiles.Uniform(g, 0.6), SyntheticProfiles.Uniform(g, 0.9, 0.05), AllZero(g) })
        {
            var faster = Sparse.Evaluate(g, profile, board, design.Folding, options);
            Assert.True(faster.Performance.ThroughputImagesPerSecond <= cap.ImagesPerSecond * (1 + 1e-6),
                $"{faster.Performance.ThroughputImagesPerSecond} img/s past the cap {cap.ImagesPerSecond}");
        }
        var atFloor = Sparse.Evaluate(g, AllZero(g), board, design.Folding, options);
        Assert.Equal(cap.FloorCycles, atFloor.Performance.IntervalCycles, 6);
        Assert.Contains(atFloor.Performance.BottleneckLayer, cap.Stages);
    }

    [Fact]
    public void The_next_folding_level_is_priced_by_the_DSE_on_a_scaled_board()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var options = new DesignOptions { ResourceAllocation = 0.2, RamAllocation = 1, AllowPartitions = false };
        var profile = SyntheticProfiles.Uniform(g, 0.9, 0.05);
        var design = Sparse.Optimize(g, profile, board, options);
        var cap = SparsityCap.Of(design)!;
        var level = NextFoldingLevel.Price(Sparse, g, profile, board, options, cap)!;
        Assert.InRange(level.BoardScale, 1 + NextFoldingLevel.Precision, NextFoldingLevel.MaxScale);
        var larger = Sparse.Optimize(g, profile, NextFoldingLevel.Scaled(board, level.BoardScale), options);
        Assert.Equal(level.ImagesPerSecond, larger.Performance.ThroughputImagesPerSecond, 9);
        Assert.True(larger.Performance.ThroughputImagesPerSecond > cap.ImagesPerSecond);
        Assert.True(larger.Performance.IntervalCycles < cap.FloorCycles, $"interval {larger.Performance.IntervalCycles} not below the floor {cap.FloorCycles}");
    }
}
