using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class SparsityCapTests
{
    private static LayerDesign Layer(string name, double cycles, double? floor, LayerKind kind = LayerKind.Conv) =>
        new() { Layer = name, Kind = kind, Folding = LayerFolding.Unit, Cycles = cycles, FloorCycles = floor };

    /// <summary>A design clocked at 1 MHz: 10 images a batch, each its interval, and a fill of 5 intervals.</summary>
    private static HardwareDesign Design(IReadOnlyList<LayerDesign> layers, string bottleneck = "conv1", int partitions = 1, int weightsReloading = 1)
    {
        double interval = layers.Max(l => l.Cycles), batchCycles = 15 * interval;
        return new()
        {
            Backend = "b", BackendVersion = "1", Board = "board", Graph = "g", Layers = layers, Resources = ResourceUsage.Zero,
            Partitions = Enumerable.Range(0, partitions).Select(p => new PartitionDesign(p, [], interval, batchCycles, weightsReloading, ResourceUsage.Zero)).ToList(),
            Performance = new Performance { ThroughputImagesPerSecond = 10 * 1e6 / batchCycles, IntervalCycles = interval, BottleneckLayer = bottleneck, BatchSize = 10 },
        };
    }

    private static readonly LayerDesign[] Layers =
    [
        new() { Layer = "input", Kind = LayerKind.Input, Folding = LayerFolding.Unit },
        Layer("conv1", 500, 300), Layer("relu1", 400, 400, LayerKind.ReLU), Layer("conv2", 450, 250), Layer("pool", 400, 400, LayerKind.MaxPool),
    ];

    [Fact]
    public void The_cap_is_one_image_per_largest_floor_and_names_the_stages_there()
    {
        var design = Design(Layers);
        var cap = SparsityCap.Of(design)!;
        Assert.Equal(2500, cap.ImagesPerSecond, 9);   // 1 MHz / 400 cycles
        Assert.Equal(2500 / design.Performance.ThroughputImagesPerSecond, cap.Headroom, 12);
        Assert.Equal(1.875, cap.Headroom, 12);   // 15 intervals of 500 cycles a batch of 10, against 10 of 400
        Assert.Equal(400, cap.FloorCycles);
        Assert.Equal(["relu1", "pool"], cap.Stages);
        Assert.Equal("1.88× headroom: this folding reaches at most 2,500 img/s whatever the zeros; then relu1, pool (2 stages) stream at their floor of 400 cycles", cap.Describe());
    }

    [Fact]
    public void A_design_at_its_floor_keeps_only_the_fill_as_headroom()
    {
        var cap = SparsityCap.Of(Design([Layer("conv1", 400, 400), Layer("relu1", 400, 400, LayerKind.ReLU)]))!;
        Assert.Equal(1.5, cap.Headroom, 12);
        Assert.Equal(["conv1", "relu1"], cap.Stages);
        Assert.EndsWith("then conv1 (1 stage) streams at its floor of 400 cycles",
            SparsityCap.Of(Design([Layer("conv1", 400, 400), Layer("relu1", 300, 300, LayerKind.ReLU)]))!.Describe());
    }

    [Fact]
    public void There_is_no_cap_without_every_floor_with_several_configurations_reloading_or_when_memory_binds()
    {
        Assert.Null(SparsityCap.Of(Design([.. Layers, Layer("conv3", 300, null)])));
        Assert.Null(SparsityCap.Of(Design(Layers, partitions: 2)));
        Assert.Null(SparsityCap.Of(Design(Layers, partitions: 0)));
        Assert.Null(SparsityCap.Of(Design(Layers, weightsReloading: 2)));
        Assert.Null(SparsityCap.Of(Design(Layers, bottleneck: Performance.MemoryBandwidth)));
    }

    [Fact]
    public void A_layer_without_a_floor_is_left_out_of_the_json()
    {
        Assert.DoesNotContain("floorCycles", HassJson.Serialize(Layer("conv1", 500, null)));
        Assert.Contains("\"floorCycles\":300", HassJson.Serialize(Layer("conv1", 500, 300)).Replace(" ", ""));
    }
}
