using Hass.Abstractions;
using Hass.Backends.TestSupport;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;
using Xunit.Abstractions;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>
/// Batch-1 latency of dense layer chains three ways: the backend's row pipeline (what `latency` reports at batch 1),
/// fpgaConvNet's pipeline-depth formula (interval + depth), and the board emulator's one-image run (the ground truth).
/// The row pipeline is the one the backend uses because it is the one that agrees with the emulator (plugin README,
/// deviation 21).
/// </summary>
public class PipelineDepthComparisonTests(ITestOutputHelper output)
{
    private static readonly BoardSpec Board = Boards.Load("u250");

    public static TheoryData<string> Chains => ["one-conv", "conv-relu-pool-conv", "conv-flatten-linear", "fmnist-cnn"];

    private static NetworkGraph Chain(string name)
    {
        var b = new GraphBuilder(name);
        var x = b.Input(4, 16, 16);
        switch (name)
        {
            case "one-conv":
                b.Conv("conv", x, 8, 3);
                return b.Build(0);
            case "conv-relu-pool-conv":
                x = b.Conv("conv1", x, 8, 3);
                x = b.Act("relu", x, LayerKind.ReLU);
                x = b.Pool("pool", x, LayerKind.MaxPool, 2, 2);
                b.Conv("conv2", x, 8, 3);
                return b.Build(0);
            case "conv-flatten-linear":
                // A flatten only renames words (the emulator charges it nothing): no fill latency of its own.
                x = b.Conv("conv", x, 8, 3);
                b.Linear("fc", b.Flatten("flatten", x), 10);
                return b.Build(0);
            default:
                return ZooGraphs.FashionMnistCnn();
        }
    }

    /// <summary>Every conv at f = K (one word per cycle through every module), other factors 1.</summary>
    private static Dictionary<string, LayerFolding> Folding(NetworkGraph graph) =>
        graph.Layers.Where(l => l.Kind == LayerKind.Conv).ToDictionary(l => l.Name, l => new LayerFolding(Fine: l.KernelSize));

    private static double EmulatedOneImageCycles(NetworkGraph graph, HardwareDesign design)
    {
        var rng = new Random(5);
        float[] Random(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(rng.NextDouble() - 0.5)).ToArray();
        var tensors = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear)
            .Select(l => new LayerTensors(l.Name, Random((long)l.Filters * (l.InputShape.Channels / Math.Max(1, l.Groups)) * l.KernelSize * (l.Kind == LayerKind.Linear ? l.InputShape.Rows * l.InputShape.Cols : 1)),
                                          l.HasBias ? Random(l.Filters) : null)).ToList();
        var network = new EmulatedNetwork(new DeploymentPackage(design, new DeployableNetwork(graph, tensors, new Dictionary<string, double>())), Board);
        var upload = ImageSet.Create(graph.Layers[0].OutputShape, Random(graph.Layers[0].OutputShape.Elements));
        return RunExecutor.Execute(network, new RunRequest(1, 0, ImageSource.Uploaded, 0), upload, (uint)(Board.ClockMhz * 1000)).TotalCycles;
    }

    [Theory]
    [MemberData(nameof(Chains))]
    public void The_row_pipeline_predicts_the_emulated_batch_1_latency_closer_than_fpgaConvNets_depth(string name)
    {
        var graph = Chain(name);
        var folding = Folding(graph);
        var design = new DataflowBackend(sparse: false).Evaluate(graph, SparsityProfile.Dense(), Board, folding, new DesignOptions { BatchSize = 1 });
        double rowPipeline = design.Performance.LatencySeconds * Board.ClockMhz * 1e6;
        double interval = design.Performance.IntervalCycles;
        double reference = Math.Ceiling(interval) + ReferencePipelineDepth.Of(graph, folding, interval);
        double emulated = EmulatedOneImageCycles(graph, design);
        output.WriteLine($"{name}: interval {interval:F0}, emulated {emulated:F0}, row pipeline {rowPipeline:F0} ({rowPipeline / emulated:F3}), fpgaConvNet {reference:F0} ({reference / emulated:F3})");
        Assert.InRange(rowPipeline / emulated, 0.95, 1.05);
        Assert.True(Math.Abs(rowPipeline / emulated - 1) < Math.Abs(reference / emulated - 1));
    }
}
