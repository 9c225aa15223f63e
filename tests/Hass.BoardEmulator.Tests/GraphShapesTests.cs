using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator.Tests;

/// <summary>ResNet-, Inception- and MobileNetV3-style structures run through the pipeline without deadlock.</summary>
public class GraphShapesTests
{
    private static TensorShape S(int c, int h) => new(c, h, h);

    private static Layer Conv(string name, string input, int c, int f, int h, int k, int stride, int groups = 1)
    {
        int pad = k / 2, ho = (h + 2 * pad - k) / stride + 1;
        return new Layer
        {
            Name = name, Kind = LayerKind.Conv, Inputs = [input], InputShape = S(c, h), OutputShape = S(f, ho), KernelRows = k, KernelCols = k,
            StrideRows = stride, StrideCols = stride, PadTop = pad, PadBottom = pad, PadLeft = pad, PadRight = pad, Groups = groups,
        };
    }

    private static Layer Op(string name, LayerKind kind, TensorShape i, TensorShape o, params string[] inputs) =>
        new() { Name = name, Kind = kind, Inputs = inputs, InputShape = i, OutputShape = o };

    [Fact]
    public void Residual_downsample_concat_and_squeeze_excite_blocks_run_and_stay_within_bounds()
    {
        var graph = new NetworkGraph
        {
            Name = "shapes",
            Layers =
            [
                Op("input", LayerKind.Input, S(3, 16), S(3, 16)),
                Conv("stem", "input", 3, 16, 16, 3, 1), Op("stem.relu", LayerKind.ReLU, S(16, 16), S(16, 16), "stem"),
                Conv("a.conv1", "stem.relu", 16, 32, 16, 3, 2), Op("a.relu1", LayerKind.ReLU, S(32, 8), S(32, 8), "a.conv1"),
                Conv("a.conv2", "a.relu1", 32, 32, 8, 3, 1),
                Conv("a.down", "stem.relu", 16, 32, 16, 1, 2),
                Op("a.add", LayerKind.EltwiseAdd, S(32, 8), S(32, 8), "a.conv2", "a.down"), Op("a.relu", LayerKind.ReLU6, S(32, 8), S(32, 8), "a.add"),
                Conv("b.1x1", "a.relu", 32, 8, 8, 1, 1), Conv("b.3x3", "a.relu", 32, 8, 8, 3, 1),
                Op("b.cat", LayerKind.Concat, S(8, 8), S(16, 8), "b.1x1", "b.3x3"), Op("b.hs", LayerKind.Hardswish, S(16, 8), S(16, 8), "b.cat"),
                Conv("c.dw", "b.hs", 16, 16, 8, 3, 1, groups: 16),
                Op("c.pool", LayerKind.GlobalPool, S(16, 8), S(16, 1), "c.dw"),
                Conv("c.fc1", "c.pool", 16, 4, 1, 1, 1), Op("c.relu", LayerKind.ReLU, S(4, 1), S(4, 1), "c.fc1"),
                Conv("c.fc2", "c.relu", 4, 16, 1, 1, 1), Op("c.gate", LayerKind.Hardsigmoid, S(16, 1), S(16, 1), "c.fc2"),
                Op("c.scale", LayerKind.EltwiseMul, S(16, 8), S(16, 8), "c.dw", "c.gate"),
                Op("head.pool", LayerKind.AvgPool, S(16, 8), S(16, 4), "c.scale") with { KernelRows = 2, KernelCols = 2, StrideRows = 2, StrideCols = 2 },
                Op("head.flat", LayerKind.Flatten, S(16, 4), new TensorShape(256, 1, 1), "head.pool"),
                Op("head.fc", LayerKind.Linear, new TensorShape(256, 1, 1), new TensorShape(10, 1, 1), "head.flat"),
            ],
        };
        var rng = new Random(1);
        var tensors = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear).Select(l =>
        {
            long n = l.Kind == LayerKind.Conv ? (long)l.Filters * (l.InputShape.Channels / l.Groups) * l.KernelSize : l.InputShape.Elements * l.Filters;
            return new LayerTensors(l.Name, Enumerable.Range(0, (int)n).Select(_ => rng.NextDouble() < 0.5 ? 0f : (float)(rng.NextDouble() - 0.5)).ToArray(), null);
        }).ToList();
        var design = new HardwareDesign
        {
            Backend = "test", BackendVersion = "1", Board = "u250", Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers = graph.Layers.Select(l => new LayerDesign
            {
                Layer = l.Name, Kind = l.Kind, Sparse = l.Kind == LayerKind.Conv && l.KernelSize > 1 && l.Groups == 1,
                Folding = l.Kind == LayerKind.Conv && l.Groups == 1 ? new LayerFolding(CoarseIn: l.InputShape.Channels % 2 == 0 ? 2 : 1, CoarseOut: 2, Fine: 3) : LayerFolding.Unit,
            }).ToList(),
            Performance = new Performance(), Resources = ResourceUsage.Zero,
        };
        var network = new EmulatedNetwork(new DeploymentPackage(design, new DeployableNetwork(graph, tensors, new Dictionary<string, double>())), EmulatorOptions.DefaultBoard);
        var result = RunExecutor.Execute(network, new RunRequest(6, 2, ImageSource.Generated, 3), null, 250000);
        Assert.Equal(RunState.Done, result.State);
        Assert.InRange(result.TotalCycles, (ulong)result.Layers.Max(l => l.BusyCycles), (ulong)result.Layers.Sum(l => (double)l.BusyCycles) + 1);
        Assert.Equal(6, result.Predictions.Count);
    }
}
