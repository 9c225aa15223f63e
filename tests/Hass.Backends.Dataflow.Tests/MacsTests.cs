using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

public class ZooGraphTests
{
    [Theory]
    [InlineData("resnet18", 1.814, 11.69)]
    [InlineData("resnet50", 4.089, 25.56)]
    [InlineData("mobilenet-v2", 0.3006, 3.505)]
    [InlineData("mobilenet-v3-large", 0.2166, 5.483)]
    public void Graph_macs_and_parameters_match_torchvision(string model, double gmacs, double mparams)
    {
        var g = ZooGraphs.ByName(model);
        // Conv/Linear MACs only (TorchVision counts from e.g. fvcore/ptflops also include BN/ReLU; convs dominate).
        Assert.InRange(g.TotalMacs / 1e9, gmacs * 0.99, gmacs * 1.01);
        // Parameters without batch-norm (folded), so slightly below the TorchVision totals.
        Assert.InRange(g.TotalParameters / 1e6, mparams * 0.97, mparams * 1.0);
    }
}
