using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.Board.Conformance;

/// <summary>
/// The design the kit deploys: input 1×4×4 → one 3×3 convolution with 2 filters (2×2×2 out), tiny resources.
/// Variants break one thing each (board name, resources) for the refusal checks.
/// </summary>
public static class TestDesign
{
    public static TensorShape InputShape { get; } = new(1, 4, 4);

    public static NetworkGraph Graph() => new()
    {
        Name = "selftest",
        Classes = 2,
        Layers =
        [
            new Layer { Name = "input", Kind = LayerKind.Input, InputShape = InputShape, OutputShape = InputShape },
            new Layer { Name = "conv", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = InputShape, OutputShape = new TensorShape(2, 2, 2), KernelRows = 3, KernelCols = 3 },
        ],
    };

    public static HardwareDesign Design(string board, ResourceUsage? resources = null)
    {
        var graph = Graph();
        return new HardwareDesign
        {
            Backend = "selftest", BackendVersion = "1", Board = board, Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers =
            [
                new LayerDesign { Layer = "input", Kind = LayerKind.Input, Folding = LayerFolding.Unit },
                new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Folding = LayerFolding.Unit, Sparse = true },
            ],
            Performance = new Performance(), Resources = resources ?? new ResourceUsage(Dsp: 1, Bram18: 1, Lut: 100, Ff: 100),
        };
    }

    public static DeployableNetwork Network()
    {
        var weights = Enumerable.Range(0, 18).Select(i => i % 3 == 0 ? 0f : (i - 9) / 9f).ToArray();
        return new DeployableNetwork(Graph(), [new LayerTensors("conv", weights, null)], new Dictionary<string, double>());
    }

    public static byte[] Package(string board, ResourceUsage? resources = null) => new DeploymentPackage(Design(board, resources), Network()).Encode();

    /// <summary>An image set of <paramref name="count"/> images of the test design's input shape.</summary>
    public static byte[] Images(int count) =>
        ImageSet.Create(InputShape, Enumerable.Range(0, count * (int)InputShape.Elements).Select(i => (i % 7 - 3) / 3f).ToArray()).Encode();
}
