using Hass.Abstractions;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>Which resource binds a design, and each layer's share of it (the <c>resource:&lt;layer&gt;</c> metrics strategies are told).</summary>
public class BoardUtilisationTests
{
    private static readonly BoardSpec Board = new() { Name = "b", Dsp = 100, Bram18 = 10, Lut = 1000, Ff = 2000, ClockMhz = 100, MemoryBandwidthGbps = 1, PortWidthBits = 64 };

    private static HardwareDesign Design(params (string Layer, double Dsp, double Lut)[] layers) => new()
    {
        Backend = "x", BackendVersion = "1", Board = Board.Name, Graph = "g", Performance = new Performance(),
        Layers = layers.Select(l => new LayerDesign { Layer = l.Layer, Kind = LayerKind.Conv, Folding = LayerFolding.Unit, Resources = new ResourceUsage(Dsp: l.Dsp, Lut: l.Lut) }).ToList(),
        Resources = layers.Aggregate(ResourceUsage.Zero, (sum, l) => sum + new ResourceUsage(Dsp: l.Dsp, Lut: l.Lut)),
    };

    [Fact]
    public void A_design_that_uses_more_of_the_DSPs_than_of_the_LUTs_is_told_each_layers_share_of_the_DSPs()
    {
        var design = Design(("conv1", 60, 100), ("conv2", 30, 500), ("pool", 0, 50));
        Assert.Equal([("conv1", 0.6), ("conv2", 0.3)], BoardUtilisation.BindingShares(design, Board));
        Assert.Equal("DSP", BoardUtilisation.Of(design.Resources, Board).First().Name);
    }

    [Fact]
    public void A_design_that_uses_more_of_the_LUTs_is_told_each_layers_share_of_the_LUTs_layers_without_any_left_out()
    {
        var design = Design(("conv1", 10, 600), ("conv2", 20, 300), ("flatten", 0, 0));
        Assert.Equal([("conv1", 0.6), ("conv2", 0.3)], BoardUtilisation.BindingShares(design, Board));
        Assert.Equal(["LUT", "DSP", "BRAM18"], BoardUtilisation.Of(design.Resources, Board).Select(u => u.Name));
    }
}
