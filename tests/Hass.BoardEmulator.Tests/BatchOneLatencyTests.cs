using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Links;
using Hass.Board.Protocol;
using Hass.Board.Testing;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator.Tests;

/// <summary>Batch-1 latency (`MeasureOptions.BatchOneLatency`): the mean over the timed images of each image alone through the empty pipeline.</summary>
public class BatchOneLatencyTests
{
    /// <summary>
    /// input 1×3×3 → one sparse 3×3 conv, 8 filters with 5 non-zero weights each (taps 0, 2, 4, 6, 8), fine 2, one
    /// stream and lane: the conv's only row costs max(8 filters × ⌈nnz/2⌉, 9 words in, 8 out) cycles.
    /// </summary>
    private static (HardwareDesign Design, DeployableNetwork Network) OneConv()
    {
        var input = new TensorShape(1, 3, 3);
        var graph = new NetworkGraph
        {
            Name = "one-conv",
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = input, OutputShape = input },
                new Layer { Name = "conv", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = input, OutputShape = new TensorShape(8, 1, 1), KernelRows = 3, KernelCols = 3 },
            ],
        };
        var weights = new float[8 * 9];
        for (int f = 0; f < 8; f++) foreach (int k in new[] { 0, 2, 4, 6, 8 }) weights[f * 9 + k] = 0.5f;
        var design = new HardwareDesign
        {
            Backend = "test", BackendVersion = "1", Board = TinyNet.BoardName, Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers = [new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Folding = new LayerFolding(Fine: 2), Sparse = true }],
            Performance = new Performance(), Resources = ResourceUsage.Zero,
        };
        return (design, new DeployableNetwork(graph, [new LayerTensors("conv", weights, null)], new Dictionary<string, double>()));
    }

    private static float[] Image(params int[] nonZero)
    {
        var image = new float[9];
        foreach (int i in nonZero) image[i] = 1f;
        return image;
    }

    [Fact]
    public async Task Latency_of_uploaded_images_is_the_hand_computed_mean_of_each_timed_image_alone()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var (design, network) = OneConv();
        // Warm-up image (index 0) dense; the timed images have 5, 0 and 3 non-zero products per window.
        var images = new[] { Image(0, 1, 2, 3, 4, 5, 6, 7, 8), Image(0, 1, 2, 3, 4, 5, 6, 7, 8), Image(), Image(0, 2, 4) }.SelectMany(i => i).ToArray();
        var options = new MeasureOptions { Repeats = 1, Images = 3, WarmupImages = 1, UploadImages = images, BatchOneLatency = true };
        var m = await runner.MeasureAsync(design, network, options);

        // Each image alone: the input port takes ⌈9 words / 32 per cycle⌉ = 1 cycle, then the conv's one row:
        // 8·⌈5/2⌉ = 24, the data movement bound 9 (an all-zero window is skipped), 8·⌈3/2⌉ = 16 cycles.
        double[] expected = [(1 + 24) / 250e6, (1 + 9) / 250e6, (1 + 16) / 250e6];
        Assert.Equal(expected, m.SingleImageLatencies);
        Assert.Equal(expected.Average(), m.BatchOneLatencySeconds!.Value, 15);
        Assert.Equal(52 / 3.0 / 250e6, m.BatchOneLatencySeconds!.Value, 15);
        // The throughput runs come first and are unchanged by the latency runs.
        var plain = await runner.MeasureAsync(design, network, options with { BatchOneLatency = false });
        Assert.Equal(plain.Repeats, m.Repeats);
        Assert.Null(plain.BatchOneLatencySeconds);
        Assert.Empty(plain.SingleImageLatencies);
        Assert.Contains("batch-1    0.069 µs latency, 17.3 cycles (mean of 3 images", BoardCommands.Describe(m), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Latency_of_the_tiny_net_on_generated_images_is_the_mean_of_single_image_runs()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var options = Expected.Options with { Repeats = 1, Images = 4, BatchOneLatency = true };
        var stages = new List<string>();
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options, new SyncProgress(p => stages.Add(p.Stage)));

        // Run i is the first generated image of seed Seed + i, alone (no warm-up) through the pipeline.
        var emulated = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), TinyNet.Network()), EmulatorOptions.DefaultBoard);
        var expected = Enumerable.Range(0, options.Images)
            .Select(i => RunExecutor.Execute(emulated, new RunRequest(1, 0, ImageSource.Generated, options.Seed + (ulong)i), null, 250000).TotalCycles / 250e6)
            .ToArray();
        Assert.Equal(expected, m.SingleImageLatencies);
        Assert.Equal(expected.Average(), m.BatchOneLatencySeconds);
        Assert.Contains("latency", stages);
        Assert.Equal(Expected.Rates(options with { BatchOneLatency = false }), m.Repeats);
    }
}
