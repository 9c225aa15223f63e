using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>
/// Leaky ReLU and sigmoid (imported from ONNX) have no fpgaConvNet module figures: each lane is costed as one
/// constant multiplier plus LUT/FF logic (leaky ReLU: ReLU6's comparator; sigmoid: a piecewise-linear segment
/// table), one word per lane per cycle like every activation (docs/models.md, plugin README).
/// </summary>
public class ImportedActivationTests
{
    [Fact]
    public void Leaky_relu_and_sigmoid_cost_one_multiplier_per_lane()
    {
        var b = new GraphBuilder("imported");
        var x = b.Input(16, 28, 28);
        var leaky = b.Act("leaky", x, LayerKind.LeakyReLU);
        b.Act("sigmoid", leaky, LayerKind.Sigmoid);
        var g = b.Build(0);
        foreach (var (name, lut, ff) in new[] { ("leaky", 24.0, 35.0), ("sigmoid", 120.0, 60.0) })
        {
            var cost = CostModel.Evaluate(LayerModelTests.NodeOf(g, name), new LayerFolding(4, 4));
            Assert.Equal(16.0 * 28 * 28 / 4, cost.Cycles);
            Assert.Equal(4, cost.Resources.Dsp);   // dsp_mult(16, 16) = 1 per lane
            Assert.Equal(4 * lut, cost.Resources.Lut, 6);
            Assert.Equal(4 * ff, cost.Resources.Ff, 6);
        }
    }
}
