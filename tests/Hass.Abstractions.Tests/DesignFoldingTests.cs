namespace Hass.Abstractions.Tests;

/// <summary>A folding's implementation and partition: given to Evaluate, filled in by HardwareDesign.Folding, never part of a design's identity.</summary>
public class DesignFoldingTests
{
    private static HardwareDesign Design(LayerFolding folding) => new()
    {
        Backend = "b", BackendVersion = "1", Board = "board", Graph = "g",
        Layers = [new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Partition = 2, Sparse = true, Folding = folding }],
        Performance = new Performance { ThroughputImagesPerSecond = 1 },
        Resources = ResourceUsage.Zero,
    };

    [Fact]
    public void A_folding_without_implementation_or_partition_writes_only_its_factors()
    {
        Assert.Equal("""{"coarseIn":2,"coarseOut":1,"coarseGroup":1,"fine":3,"weightsReloading":1}""", HassJson.Serialize(new LayerFolding(CoarseIn: 2, Fine: 3)));
        Assert.Equal(new LayerFolding(CoarseIn: 2) { Sparse = false, Partition = 1 },
            HassJson.Deserialize<LayerFolding>("""{"coarseIn":2,"sparse":false,"partition":1}"""));
    }

    [Fact]
    public void A_designs_folding_carries_each_layers_implementation_and_partition()
    {
        var folding = Design(new LayerFolding(CoarseOut: 4)).Folding["conv"];

        Assert.Equal(new LayerFolding(CoarseOut: 4) { Sparse = true, Partition = 2 }, folding);
        Assert.Equal("ci=1 co=4 cg=1 f=1 sparse p=2", folding.ToString());
    }

    [Fact]
    public void The_design_hash_is_the_same_whether_a_backend_copied_the_hints_into_its_layers_or_not()
    {
        Assert.Equal(Design(new LayerFolding(CoarseOut: 4)).DesignHash(),
            Design(new LayerFolding(CoarseOut: 4) { Sparse = true, Partition = 2 }).DesignHash());
    }
}
