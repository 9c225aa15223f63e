using System.IO.Compression;
using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.Board.Testing;
using Hass.BoardEmulator.Engine;
using Xunit.Abstractions;

namespace Hass.BoardEmulator.Tests;

/// <summary>
/// Analytical (the backend's average-histogram model) versus emulated (actual products, row-synchronised
/// streams, FIFO pipeline) on the same design, weights and images. On equal data the emulator can only be
/// slower: per sparse layer it pays the busiest lane and stream of each row instead of the average.
/// </summary>
public class ModelGapTests(ITestOutputHelper output)
{
    private static readonly BoardSpec Board = EmulatorOptions.DefaultBoard;

    [Fact]
    public void Emulated_is_never_faster_than_the_analytical_average_on_the_same_images()
    {
        var network = new EmulatedNetwork(new DeploymentPackage(TinyNet.Design(), TinyNet.Network()), Board);
        var images = Enumerable.Range(0, 22).Select(i => TinyNet.Images(22).AsSpan(i * 64, 64).ToArray()).ToList();
        var comparison = AnalyticalModel.Compare(network, images, warmup: 2, Board.ClockMhz);
        Report("tiny", comparison);
        foreach (var l in comparison.Layers.Where(l => l.Sparse))
            Assert.True(l.EmulatedCycles >= l.AnalyticalCycles - 1, $"{l.Layer}: emulated {l.EmulatedCycles} < analytical {l.AnalyticalCycles}");
        Assert.True(comparison.Ratio <= 1.0 + 1e-9);
    }

    [Fact]
    public void Gap_on_a_fashion_mnist_cnn()
    {
        var (graph, deployable, design) = FmnistCnn.Build(pruneFraction: 0.6, reluThreshold: 0.05);
        var network = new EmulatedNetwork(new DeploymentPackage(design, deployable), Board);
        var (images, source) = FmnistCnn.Images(12);
        var comparison = AnalyticalModel.Compare(network, images, warmup: 2, Board.ClockMhz);
        output.WriteLine($"images: {source}");
        Report("fmnist-cnn", comparison);
        Assert.True(comparison.Ratio is > 0 and <= 1.0 + 1e-9);
        Assert.Equal(graph.Layers.Count, comparison.Layers.Count);
    }

    private void Report(string name, ModelComparison c)
    {
        output.WriteLine($"{name}: analytical {c.AnalyticalImagesPerSecond:0.#} img/s (interval {c.AnalyticalIntervalCycles:0} cycles), emulated {c.EmulatedImagesPerSecond:0.#} img/s, emulated/analytical = {c.Ratio:0.000}");
        foreach (var l in c.Layers)
            output.WriteLine($"  {l.Layer,-8} {(l.Sparse ? "sparse" : "dense "),-6} analytical {l.AnalyticalCycles,10:0.#}  emulated {l.EmulatedCycles,10:0.#}  ratio {(l.AnalyticalCycles > 0 ? l.EmulatedCycles / l.AnalyticalCycles : double.NaN):0.000}");
    }
}

/// <summary>A Fashion-MNIST-sized CNN with seeded He-initialised weights, magnitude-pruned.</summary>
internal static class FmnistCnn
{
    public static (NetworkGraph, DeployableNetwork, HardwareDesign) Build(double pruneFraction, double reluThreshold)
    {
        TensorShape S(int c, int h) => new(c, h, h);
        Layer Conv(string name, string input, int c, int f, int h) => new()
        {
            Name = name, Kind = LayerKind.Conv, Inputs = [input], InputShape = S(c, h), OutputShape = S(f, h),
            KernelRows = 3, KernelCols = 3, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1, HasBias = true,
        };
        Layer Simple(string name, LayerKind kind, string input, TensorShape i, TensorShape o) => new() { Name = name, Kind = kind, Inputs = [input], InputShape = i, OutputShape = o };
        Layer Pool(string name, string input, int c, int h) => Simple(name, LayerKind.MaxPool, input, S(c, h), S(c, h / 2)) with { KernelRows = 2, KernelCols = 2, StrideRows = 2, StrideCols = 2 };
        var graph = new NetworkGraph
        {
            Name = "fmnist-cnn-test",
            Classes = 10,
            Layers =
            [
                Simple("input", LayerKind.Input, "", S(1, 28), S(1, 28)) with { Inputs = [] },
                Conv("conv1", "input", 1, 16, 28), Simple("relu1", LayerKind.ReLU, "conv1", S(16, 28), S(16, 28)), Pool("pool1", "relu1", 16, 28),
                Conv("conv2", "pool1", 16, 32, 14), Simple("relu2", LayerKind.ReLU, "conv2", S(32, 14), S(32, 14)), Pool("pool2", "relu2", 32, 14),
                Conv("conv3", "pool2", 32, 64, 7), Simple("relu3", LayerKind.ReLU, "conv3", S(64, 7), S(64, 7)),
                Simple("gap", LayerKind.GlobalPool, "relu3", S(64, 7), S(64, 1)),
                Simple("flatten", LayerKind.Flatten, "gap", S(64, 1), S(64, 1)),
                Simple("fc", LayerKind.Linear, "flatten", S(64, 1), S(10, 1)) with { HasBias = true },
            ],
        };
        var rng = new Random(3);
        var tensors = new List<LayerTensors>();
        foreach (var l in graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear))
        {
            int fanIn = l.Kind == LayerKind.Conv ? l.InputShape.Channels * 9 : (int)l.InputShape.Elements;
            long count = (long)fanIn * l.Filters;
            var w = new float[count];
            for (long i = 0; i < count; i++) w[i] = (float)(Gaussian(rng) * Math.Sqrt(2.0 / fanIn));
            var threshold = w.Select(Math.Abs).Order().ElementAt((int)(pruneFraction * (count - 1)));
            for (long i = 0; i < count; i++) if (Math.Abs(w[i]) < threshold) w[i] = 0;
            tensors.Add(new LayerTensors(l.Name, w, Enumerable.Range(0, l.Filters).Select(_ => (float)(Gaussian(rng) * 0.01)).ToArray()));
        }
        var thresholds = graph.Layers.Where(l => l.Kind == LayerKind.ReLU).ToDictionary(l => l.Name, _ => reluThreshold);
        LayerDesign D(string layer, LayerKind kind, LayerFolding f, bool sparse = false) => new() { Layer = layer, Kind = kind, Folding = f, Sparse = sparse };
        var design = new HardwareDesign
        {
            Backend = "dataflow-sparse", BackendVersion = "test", Board = "u250", Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers =
            [
                D("input", LayerKind.Input, LayerFolding.Unit),
                D("conv1", LayerKind.Conv, new LayerFolding(CoarseOut: 16, Fine: 3), sparse: true),
                D("relu1", LayerKind.ReLU, new LayerFolding(CoarseIn: 16, CoarseOut: 16)),
                D("pool1", LayerKind.MaxPool, new LayerFolding(CoarseIn: 16, CoarseOut: 16)),
                D("conv2", LayerKind.Conv, new LayerFolding(CoarseIn: 8, CoarseOut: 8, Fine: 3), sparse: true),
                D("relu2", LayerKind.ReLU, new LayerFolding(CoarseIn: 8, CoarseOut: 8)),
                D("pool2", LayerKind.MaxPool, new LayerFolding(CoarseIn: 8, CoarseOut: 8)),
                D("conv3", LayerKind.Conv, new LayerFolding(CoarseIn: 8, CoarseOut: 16, Fine: 3), sparse: true),
                D("relu3", LayerKind.ReLU, new LayerFolding(CoarseIn: 8, CoarseOut: 8)),
                D("gap", LayerKind.GlobalPool, new LayerFolding(CoarseIn: 8, CoarseOut: 8)),
                D("flatten", LayerKind.Flatten, LayerFolding.Unit),
                D("fc", LayerKind.Linear, new LayerFolding(CoarseIn: 16, CoarseOut: 2)),
            ],
            Performance = new Performance(),
            Resources = new ResourceUsage(Dsp: 1000, Bram18: 100, Lut: 100000, Ff: 100000),
        };
        return (graph, new DeployableNetwork(graph, tensors, thresholds), design);
    }

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    public const string TestImages = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz";

    /// <summary>The first Fashion-MNIST test images ((x/255 − 0.2860)/0.3530) when the dataset package is installed, else seeded look-alikes.</summary>
    public static (List<float[]> Images, string Source) Images(int count)
    {
        var images = new List<float[]>();
        if (File.Exists(TestImages))
        {
            using var gz = new GZipStream(File.OpenRead(TestImages), CompressionMode.Decompress);
            var header = new byte[16];
            gz.ReadExactly(header);
            var pixels = new byte[784];
            for (int i = 0; i < count; i++)
            {
                gz.ReadExactly(pixels);
                images.Add(pixels.Select(p => (float)((p / 255.0 - 0.2860) / 0.3530)).ToArray());
            }
            return (images, TestImages);
        }
        var rng = new Random(5);
        for (int i = 0; i < count; i++) images.Add(Enumerable.Range(0, 784).Select(_ => (float)((rng.NextDouble() < 0.5 ? 0 : rng.NextDouble()) - 0.2860) / 0.3530f).ToArray());
        return (images, "seeded synthetic images (dataset-fashion-mnist not installed)");
    }
}
