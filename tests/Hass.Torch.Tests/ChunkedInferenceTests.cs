using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

/// <summary>
/// The evaluator's speed-ups must not change a single result: chunked forward passes, intermediates freed at their
/// last use, in-place fixed-point rounding, one-pass thresholded activations and window counts decoded once.
/// </summary>
public class ChunkedInferenceTests
{
    /// <summary>conv → ReLU → conv → dropout → residual add → ReLU6 → hardswish → pool → linear: aliases and fan-out.</summary>
    private static HassNet ResidualNet(int seed)
    {
        random.manual_seed(seed);
        var b = new NetBuilder("residual", new TensorShape(1, 6, 6));
        var a = b.ReLU("relu0", b.Conv("conv1", b.Input, 4, 3, padding: 1, bias: true));
        var c = b.Dropout("drop", b.Conv("conv2", a, 4, 3, padding: 1, groups: 2), 0.5);
        var x = b.ReLU6("relu1", b.Add("add", a, c));
        x = b.Hardswish("hs", b.Conv("conv3", x, 4, 3, stride: 2, padding: 1));
        b.Linear("fc", b.Flatten("flatten", b.GlobalPool("pool", x)), 3);
        var net = b.Build(3);
        net.eval();
        return net;
    }

    private static ImageSet RandomImages(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 36];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.Next(3) == 0 ? (byte)0 : (byte)rng.Next(256);
        return new ImageSet("random", new InMemoryImageSource("random", new TensorShape(1, 6, 6), pixels, Enumerable.Range(0, count).Select(i => i % 3).ToArray(), 3));
    }

    private static readonly Normalisation Scaled = new([0.3f], [0.35f]);

    [Fact]
    public void ChunkedPassesGiveTheResultsOfOneForwardPerBatch()
    {
        using var trained = ResidualNet(1);
        using var net = TrialNetwork.Prepare(trained, fixedPoint16: true);
        net.ActivationNodes.First(n => n.Name == "relu0").Site.Threshold = 0.2;
        var images = RandomImages(23, 2);
        var whole = ModelEvaluator.Run(net, images, Scaled, new PassOptions { Profile = true, BatchSize = 10, ChunkSize = 10 });
        foreach (var chunk in new[] { 1, 3, 7, 64 })
        {
            var chunked = ModelEvaluator.Run(net, images, Scaled, new PassOptions { Profile = true, BatchSize = 10, ChunkSize = chunk });
            Assert.Equal((whole.Correct, whole.Images, whole.Top1), (chunked.Correct, chunked.Images, chunked.Top1));
            Assert.Equal(whole.Profile!.ContentHash(), chunked.Profile!.ContentHash());
            Assert.Equal(whole.ActivationSparsity, chunked.ActivationSparsity);
        }
    }

    [Fact]
    public void EarlyStopsAtTheSameImageWhateverTheChunk()
    {
        using var net = ResidualNet(3);
        var images = RandomImages(100, 4);
        var options = new PassOptions { BatchSize = 10, ChunkSize = 10, BaselineTop1 = 100, EarlyStopDrop = 1 };
        var whole = ModelEvaluator.Run(net, images, Scaled, options);
        var chunked = ModelEvaluator.Run(net, images, Scaled, options with { ChunkSize = 3 });
        Assert.True(whole.StoppedEarly);
        Assert.Equal(0, whole.Images % 10);   // checks happen between batches only
        Assert.Equal((whole.Images, whole.Correct, whole.StoppedEarly), (chunked.Images, chunked.Correct, chunked.StoppedEarly));
    }

    [Theory]
    [InlineData(0, 64)]
    [InlineData(250, 0)]
    public void EmptyBatchesOrChunksAreRefused(int batch, int chunk)
    {
        using var net = ResidualNet(7);
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelEvaluator.Run(net, RandomImages(4, 8), Scaled, new PassOptions { BatchSize = batch, ChunkSize = chunk }));
    }

    [Fact]
    public void InferenceForwardEqualsTheAutogradForwardAndKeepsItsInput()
    {
        using var trained = ResidualNet(5);
        using var net = TrialNetwork.Prepare(trained, fixedPoint16: true);
        using var input = randn(5, 1, 6, 6);
        using var before = input.clone();
        using var reference = net.call(input).detach();   // grad enabled: nothing freed early, rounding out of place
        using (no_grad())
        {
            using var inference = net.call(input);
            Assert.Equal(reference.data<float>().ToArray(), inference.data<float>().ToArray());
        }
        Assert.Equal(before.data<float>().ToArray(), input.data<float>().ToArray());
    }

    [Theory]
    [InlineData(ActivationKind.ReLU, 0.5)]
    [InlineData(ActivationKind.ReLU6, 0.5)]
    [InlineData(ActivationKind.ReLU6, 6.0)]    // at or above the clip: everything is zeroed
    [InlineData(ActivationKind.ReLU6, 7.0)]
    public void ThresholdedActivationsFollowTheirDefinition(ActivationKind kind, double threshold)
    {
        var values = new float[] { -1f, 0f, 0.25f, 0.5f, 0.5000001f, 3f, 6f, 6.5f, 7f, 8f, float.NegativeInfinity, float.PositiveInfinity };
        using var site = new ActivationSite(kind) { Threshold = threshold };
        using var x = tensor(values);
        var actual = site.call(x).data<float>().ToArray();
        var expected = values.Select(v => v > (float)threshold ? (kind == ActivationKind.ReLU6 ? Math.Min(v, 6f) : v) : 0f).ToArray();
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void WindowCountsReadBetweenBatchesAddUpToOneCount()
    {
        var rng = new Random(9);
        var x = Enumerable.Range(0, 3 * 2 * 7 * 7).Select(_ => rng.Next(3) == 0 ? 0f : rng.Next(1, 4)).ToArray();
        var w = Enumerable.Range(0, 4 * 2 * 9).Select(_ => rng.Next(4) == 0 ? 0f : 1f).ToArray();
        using var input = tensor(x).reshape(3, 2, 7, 7);
        using var weight = tensor(w).reshape(4, 2, 3, 3);
        var all = WindowZeroHistogram.CountAll(input, weight, 1, 1, 1);
        var patterns = WeightPatterns.Of(weight, 1);
        var split = new WindowCounts(patterns, all.Rows);
        using (var first = input.narrow(0, 0, 1)) WindowZeroHistogram.Accumulate(first, patterns, 1, 1, split);
        Assert.Equal(split.Histogram.Sum(), all.Histogram.Sum() / 3);   // reading decodes what was added so far
        using (var rest = input.narrow(0, 1, 2)) WindowZeroHistogram.Accumulate(rest, patterns, 1, 1, split);
        Assert.Equal(all.Histogram, split.Histogram);
        Assert.Equal(all.RowCounts, split.RowCounts);
        Assert.Equal(Enumerable.Range(0, 2).SelectMany(c => Enumerable.Range(0, 4).Select(j => all.FilterNonZeros(c, j))),
                     Enumerable.Range(0, 2).SelectMany(c => Enumerable.Range(0, 4).Select(j => split.FilterNonZeros(c, j))));
    }

    [Fact]
    public void GlibcKeepsFreedNativeMemoryOnLinux()
    {
        Assert.Equal(OperatingSystem.IsLinux(), NativeHeap.KeepFreedMemory());
    }
}
