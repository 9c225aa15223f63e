using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

public class GivenFoldingTests
{
    private static readonly DataflowBackend Sparse = new(sparse: true);
    private static readonly DataflowBackend Dense = new(sparse: false);

    // A folding of factors alone gave 0.31–0.997 of these designs, or did not fit: Evaluate took a layer the DSE had built
    // dense as sparse (resnet50, sparse), or cut the network into configurations its own way (mobilenet-v3-large, dense).
    [Theory]
    [InlineData("resnet50", "zedboard", 0.5)]
    [InlineData("resnet18", "kv260", 0.5)]
    [InlineData("mobilenet-v3-large", "zedboard", 0.0)]
    [InlineData("mobilenet-v3-large", "zcu102", 0.0)]
    public void A_designs_own_folding_evaluated_gives_the_design(string model, string boardName, double sparsity)
    {
        var g = ZooGraphs.ByName(model);
        var board = Boards.Load(boardName);
        var profile = sparsity > 0 ? SyntheticProfiles.Uniform(g, sparsity) : SparsityProfile.Dense();
        var design = Sparse.Optimize(g, profile, board, new DesignOptions());

        var evaluated = Sparse.Evaluate(g, profile, board, design.Folding, new DesignOptions());

        Assert.Equal(design.Performance.ThroughputImagesPerSecond, evaluated.Performance.ThroughputImagesPerSecond, 1e-9 * design.Performance.ThroughputImagesPerSecond);
        Assert.Equal(design.Layers.Select(l => (l.Layer, l.Folding, l.Sparse, l.Partition)), evaluated.Layers.Select(l => (l.Layer, l.Folding, l.Sparse, l.Partition)));
        Assert.Equal(design.Partitions.Select(p => p.Layers), evaluated.Partitions.Select(p => p.Layers));
    }

    [Fact]
    public void A_sparse_capable_layer_marked_not_sparse_is_built_dense()
    {
        var (g, profile) = ThreeConvs();
        var folding = new Dictionary<string, LayerFolding> { ["b"] = LayerFolding.Unit with { Sparse = false } };

        var design = Sparse.Evaluate(g, profile, Boards.Load("zcu102"), folding, new DesignOptions());

        Assert.Equal([true, false, true], design.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => l.Sparse));
    }

    [Fact]
    public void Sparse_is_refused_for_a_layer_with_no_sparse_implementation()
    {
        var (g, profile) = ThreeConvs();
        var withoutC = profile with { Layers = profile.Layers.Where(l => l.Layer != "c").ToList() };
        var folding = new Dictionary<string, LayerFolding> { ["c"] = LayerFolding.Unit with { Sparse = true } };

        var e = Assert.Throws<ArgumentException>(() => Sparse.Evaluate(g, withoutC, Boards.Load("zcu102"), folding, new DesignOptions()));
        var onDense = Assert.Throws<ArgumentException>(() => Dense.Evaluate(g, profile, Boards.Load("zcu102"), folding, new DesignOptions()));

        Assert.Contains("layer 'c'", e.Message);
        Assert.Contains("\"sparse\"", e.Message);
        Assert.Contains("dataflow-dense", onDense.Message);
    }

    [Fact]
    public void The_partitions_given_are_the_configurations_and_a_layer_without_one_stays_with_the_layer_before()
    {
        var (g, profile) = ThreeConvs();
        var folding = new Dictionary<string, LayerFolding> { ["b"] = LayerFolding.Unit with { Partition = 1 } };

        var design = Sparse.Evaluate(g, profile, Boards.Load("zcu102"), folding, new DesignOptions());

        Assert.Equal([["a"], ["b", "c"]], design.Partitions.Select(p => p.Layers));
        Assert.Equal([0, 1, 1], design.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => l.Partition));
    }

    [Theory]
    [InlineData(1, 0, "in partition 0 after layer 'b' in partition 1")]
    [InlineData(2, 2, "opens partition 2 after partition 0")]
    [InlineData(-1, 0, "partition -1 is negative")]
    public void Partitions_that_are_not_contiguous_runs_numbered_from_0_are_refused(int ofB, int ofC, string expected)
    {
        var (g, profile) = ThreeConvs();
        var folding = new Dictionary<string, LayerFolding>
        {
            ["b"] = LayerFolding.Unit with { Partition = ofB },
            ["c"] = LayerFolding.Unit with { Partition = ofC },
        };

        var e = Assert.Throws<ArgumentException>(() => Sparse.Evaluate(g, profile, Boards.Load("zcu102"), folding, new DesignOptions()));

        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void A_partition_that_reloads_two_layers_or_does_not_fit_or_is_not_allowed_is_refused_by_name()
    {
        var (g, profile) = ThreeConvs();
        var twoReloads = new Dictionary<string, LayerFolding>
        {
            ["a"] = LayerFolding.Unit with { WeightsReloading = 2 },
            ["b"] = LayerFolding.Unit with { WeightsReloading = 2, Partition = 0 },
        };
        var tooWide = new Dictionary<string, LayerFolding> { ["b"] = new(CoarseIn: 64, CoarseOut: 64, Fine: 9) { Partition = 1 } };
        var cut = new Dictionary<string, LayerFolding> { ["b"] = LayerFolding.Unit with { Partition = 1 } };
        var board = Boards.Load("zedboard");

        var reloads = Assert.Throws<ArgumentException>(() => Sparse.Evaluate(g, profile, board, twoReloads, new DesignOptions()));
        var fits = Assert.Throws<DesignDoesNotFitException>(() => Sparse.Evaluate(g, profile, board, tooWide, new DesignOptions()));
        var allowed = Assert.Throws<ArgumentException>(() => Sparse.Evaluate(g, profile, board, cut, new DesignOptions { AllowPartitions = false }));

        Assert.Contains("partition 0 reloads the weights of 'a' and 'b'", reloads.Message);
        Assert.Contains("partition 1 ('b' to 'c') does not fit board 'zedboard'", fits.Message);
        Assert.Contains("2 partitions", allowed.Message);
    }

    private static (NetworkGraph Graph, SparsityProfile Profile) ThreeConvs()
    {
        var b = new GraphBuilder("three-convs");
        var x = b.Input(64, 8, 8);
        x = b.Conv("a", x, 64, 3);
        x = b.Conv("b", x, 64, 3);
        b.Conv("c", x, 64, 3);
        var g = b.Build(64);
        return (g, SyntheticProfiles.Uniform(g, 0.5));
    }
}
