using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

public class RepartitioningTests
{
    private static readonly DataflowBackend Sparse = new(sparse: true);

    // Networks the DSE splits into several configurations. Before the second look at the partitioning, the design of
    // resnet18 on the kv260 took 21 configurations at 49.4 img/s, and its own folding evaluated took 15 at 55.1 img/s.
    [Theory]
    [InlineData("resnet18", "kv260", 0.0)]
    [InlineData("resnet18", "zedboard", 0.0)]
    [InlineData("resnet18", "zedboard", 0.5)]
    public void A_partitioned_design_is_as_fast_as_its_own_factors_cut_again(string model, string boardName, double sparsity)
    {
        var g = ZooGraphs.ByName(model);
        var board = Boards.Load(boardName);
        var profile = sparsity > 0 ? SyntheticProfiles.Uniform(g, sparsity) : SparsityProfile.Dense();
        var design = Sparse.Optimize(g, profile, board, new DesignOptions());
        var factors = design.Layers.ToDictionary(l => l.Layer, l => l.Folding);   // no implementation or partition: Evaluate cuts
        var evaluated = Sparse.Evaluate(g, profile, board, factors, new DesignOptions());

        Assert.True(design.Partitions.Count > 1);
        Assert.True(design.Performance.ThroughputImagesPerSecond >= evaluated.Performance.ThroughputImagesPerSecond * (1 - 1e-9),
            $"designed {design.Performance.ThroughputImagesPerSecond} img/s in {design.Partitions.Count} configurations; "
            + $"its folding evaluated {evaluated.Performance.ThroughputImagesPerSecond} img/s in {evaluated.Partitions.Count}");
        Assert.True(design.Resources.FitsOn(board));
        Assert.All(design.Partitions, p => Assert.True(p.Resources.FitsOn(board)));
    }

    // The first pass cuts ResNet-50 with this profile into 66 configurations on the Zedboard, and implements one
    // sparse-capable layer dense, which at its folding does not fit a configuration as a sparse layer.
    [Fact]
    public void A_layer_the_dse_implemented_dense_stays_dense_when_the_configurations_are_cut_again()
    {
        var g = ZooGraphs.ByName("resnet50");
        var design = Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.5), Boards.Load("zedboard"), new DesignOptions());

        Assert.InRange(design.Partitions.Count, 2, 65);
        Assert.Contains(design.Notes, n => n.Contains("the DSE implemented 1 of them dense"));
    }

    [Fact]
    public void A_configuration_reloads_the_weights_of_one_layer_at_most()
    {
        var b = new GraphBuilder("two-reloads");
        var x = b.Input(64, 8, 8);
        x = b.Conv("a", x, 64, 3);
        b.Conv("b", x, 64, 3);
        var g = b.Build(64);
        var board = Boards.Load("zcu102");
        var reloading = new Dictionary<string, LayerFolding>
        {
            ["a"] = LayerFolding.Unit with { WeightsReloading = 2 },
            ["b"] = LayerFolding.Unit with { WeightsReloading = 4 },
        };

        var design = Sparse.Evaluate(g, SparsityProfile.Dense(), board, reloading, new DesignOptions());
        var alone = Sparse.Evaluate(g, SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding> { ["a"] = reloading["a"] }, new DesignOptions());

        Assert.Single(alone.Partitions);
        Assert.Equal(2, design.Partitions.Count);
        Assert.Equal([2, 4], design.Partitions.Select(p => p.WeightsReloading));
        Assert.Equal(["a"], design.Partitions[0].Layers);
        Assert.Equal(["b"], design.Partitions[1].Layers);
    }
}
