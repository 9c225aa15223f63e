using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

public class ModelEvaluatorTests
{
    private static HassNet TinyNet(int seed)
    {
        random.manual_seed(seed);
        var b = new NetBuilder("tiny", new TensorShape(1, 6, 6));
        var x = b.ReLU("relu0", b.Conv("conv1", b.Input, 4, 3, padding: 1));
        x = b.ReLU("relu1", b.Conv("conv2", x, 4, 3, stride: 2, padding: 1, groups: 2));
        x = b.Flatten("flatten", b.GlobalPool("pool", x));
        b.Linear("fc", x, 3);
        var net = b.Build(3);
        net.eval();
        return net;
    }

    private static ImageSet RandomImages(int count, int seed)
    {
        var rng = new Random(seed);
        var pixels = new byte[count * 36];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = rng.Next(3) == 0 ? (byte)0 : (byte)rng.Next(256);
        var labels = Enumerable.Range(0, count).Select(i => i % 3).ToArray();
        return new ImageSet("random", new InMemoryImageSource("random", new TensorShape(1, 6, 6), pixels, labels, 3));
    }

    private static readonly Normalisation Identity = new([0f], [1f / 255f]);   // keeps pixel values 0..255

    [Fact]
    public void ProfileEqualsDirectCountsOfEveryConvInput()
    {
        using var net = TinyNet(1);
        var images = RandomImages(10, 2);
        var inputs = new Dictionary<string, Tensor>();
        net.ConvObserver = (node, x) => inputs[node.Name] = x.clone().DetachFromDisposeScope();
        using (no_grad()) net.call(images.NormalisedBatch(0, 10, Identity).Images);
        net.ConvObserver = null;

        var result = ModelEvaluator.Run(net, images, Identity, new PassOptions { Profile = true, BatchSize = 4 });
        Assert.Equal(10, result.Images);
        var profile = result.Profile!;
        Assert.Equal(["conv1", "conv2"], profile.Layers.Select(l => l.Layer));
        foreach (var layer in profile.Layers)
        {
            var node = net.Node(layer.Layer);
            var direct = DirectWindowCounter.Count(inputs[layer.Layer], node.Weight, node.Stride, node.Padding, node.Groups);
            for (int c = 0; c < layer.Histogram.Length; c++)
            {
                double total = Enumerable.Range(0, layer.KernelSize + 1).Sum(z => (double)direct[c, z]);
                for (int z = 0; z <= layer.KernelSize; z++) Assert.Equal(direct[c, z] / total, layer.Histogram[c][z], 12);
                Assert.Equal(1.0, layer.Histogram[c].Sum(), 12);
                // The per-row histogram splits the channel histogram by output row; the filters' mean non-zero
                // products average to the channel's.
                for (int z = 0; z <= layer.KernelSize; z++) Assert.Equal(layer.Histogram[c][z], layer.RowHistogram!.Sum(row => row[c][z]), 12);
                double meanNonZero = Enumerable.Range(0, layer.KernelSize + 1).Sum(z => (layer.KernelSize - z) * layer.Histogram[c][z]);
                Assert.Equal(meanNonZero, layer.FilterNonZeros![c].Average(), 10);
            }
            // Ten images (across three batches) are all kept as samples; their mean is the per-row histogram's mean non-zero products.
            var samples = layer.RowNonZeroSamples!;
            Assert.Equal(10, samples.Length);
            var rowHistogram = layer.RowHistogram!;
            for (int r = 0; r < rowHistogram.Length; r++)
                for (int c = 0; c < layer.Histogram.Length; c++)
                {
                    double pairsPerImage = Enumerable.Range(0, layer.KernelSize + 1).Sum(z => (double)direct[c, z]) / 10;
                    double expected = pairsPerImage * Enumerable.Range(0, layer.KernelSize + 1).Sum(z => (layer.KernelSize - z) * rowHistogram[r][c][z]);
                    Assert.Equal(expected, samples.Average(image => (double)image[r][c]), 8);
                }
            Assert.InRange(layer.EffectiveSparsity, 0, 1);
        }
        // conv1 sees the raw images: its activation density is the non-zero pixel fraction.
        Assert.True(profile.Layers[0].ActivationDensity < 0.8);
    }

    [Fact]
    public void EarlyStopHappensOnlyWhenThePerfectRestCannotRecover()
    {
        using var net = TinyNet(3);
        var images = RandomImages(100, 4);
        var full = ModelEvaluator.Run(net, images, Identity, new PassOptions { BatchSize = 10 });
        // A baseline far above anything reachable: stops after the first batch that makes it hopeless.
        var stopped = ModelEvaluator.Run(net, images, Identity, new PassOptions { BatchSize = 10, BaselineTop1 = 100, EarlyStopDrop = 1 });
        Assert.True(stopped.StoppedEarly);
        Assert.True(stopped.Images < 100);
        double bestPossible = 100.0 * (stopped.Correct + (100 - stopped.Images)) / 100;
        Assert.True(100 - bestPossible > 1);
        // A tolerance the model meets: never stops.
        var kept = ModelEvaluator.Run(net, images, Identity, new PassOptions { BatchSize = 10, BaselineTop1 = full.Top1, EarlyStopDrop = 0.5 });
        Assert.False(kept.StoppedEarly);
        Assert.Equal(full.Top1, kept.Top1);
    }

    [Fact]
    public void EarlyStopKeepsGoingWhenAPerfectRestLosesExactlyTheLimitInImages()
    {
        // Baseline 3,600 of 4,000; after 1,000 images a perfect rest reaches 3,572: 28 images, 0.7 points, which the raw
        // difference of percentages overshoots by a rounding error.
        var options = new PassOptions { BaselineTop1 = 100.0 * 3600 / 4000, EarlyStopDrop = 0.7 };
        Assert.True(options.BaselineTop1 - 100.0 * 3572 / 4000 > 0.7);
        Assert.False(ModelEvaluator.CannotStayWithinDrop(options, 572, 1000, 4000));
        Assert.True(ModelEvaluator.CannotStayWithinDrop(options, 571, 1000, 4000));
    }

    [Fact]
    public void FixedPointFormatsAreAsDocumented()
    {
        Assert.Equal(15, FixedPoint.WeightFractionBits(0.8));   // |w| < 1: 15 fraction bits
        Assert.Equal(14, FixedPoint.WeightFractionBits(1.0));
        Assert.Equal(13, FixedPoint.WeightFractionBits(3.0));
        using var w = tensor(new float[] { 0.5f, -0.7f, 1e-6f, 0.123456f });
        FixedPoint.QuantiseWeightsInPlace(w);
        var q = w.data<float>().ToArray();
        Assert.Equal(0f, q[2]);                                    // below half a step (2^-16): zero
        Assert.Equal(Math.Round(0.123456 * 32768) / 32768, q[3], 7);
        using var a = tensor(new float[] { 0.001f, 0.002f, 200f, -300f, 1.5f });
        var qa = FixedPoint.QuantiseActivations(a).data<float>().ToArray();
        Assert.Equal(new float[] { 0f, 1f / 256, 32767f / 256, -128f, 1.5f }, qa);
    }

    [Fact]
    public void QuantisedTrialNetworkKeepsTheGraphAndSeesTheSameZerosAsItsProfile()
    {
        using var net = TinyNet(5);
        using var deployed = TrialNetwork.Prepare(net, fixedPoint16: true);
        Assert.True(deployed.FixedPointActivations);
        Assert.Equal(net.ToGraph().ContentHash(), deployed.ToGraph().ContentHash());
        var result = ModelEvaluator.Run(deployed, RandomImages(8, 6), Identity, new PassOptions { Profile = true });
        Assert.True(result.Profile!.FixedPoint16);
        Assert.Equal(2, result.Profile.Layers.Count);
    }

    [Fact]
    public void A_pass_paired_with_a_reference_counts_the_images_it_lost_and_gained_against_it()
    {
        using var reference = TinyNet(3);
        using var other = TinyNet(4);
        var images = RandomImages(90, 7);
        var referencePass = ModelEvaluator.Run(reference, images, Identity, new PassOptions { RecordHits = true, BatchSize = 40, ChunkSize = 16 });
        var otherPass = ModelEvaluator.Run(other, images, Identity, new PassOptions { RecordHits = true });
        var paired = ModelEvaluator.Run(other, images, Identity, new PassOptions { Reference = referencePass.Hits, BatchSize = 25, ChunkSize = 7 });

        var (referenceHits, otherHits) = (referencePass.Hits!, otherPass.Hits!);
        Assert.Equal(referencePass.Correct, referenceHits.Count(h => h));
        Assert.Equal(otherPass.Correct, otherHits.Count(h => h));
        var lost = Enumerable.Range(0, 90).Count(i => referenceHits[i] && !otherHits[i]);
        var gained = Enumerable.Range(0, 90).Count(i => !referenceHits[i] && otherHits[i]);
        Assert.True(lost + gained > 0, "two differently seeded nets should disagree somewhere");
        Assert.Equal((lost, gained), (paired.Lost!.Value, paired.Gained!.Value));
        Assert.Equal(referencePass.Correct - otherPass.Correct, lost - gained);
        Assert.Null(otherPass.Lost);

        var selfPaired = ModelEvaluator.Run(reference, images, Identity, new PassOptions { Reference = referencePass.Hits });
        Assert.Equal((0, 0), (selfPaired.Lost!.Value, selfPaired.Gained!.Value));
        Assert.Throws<ArgumentException>(() => ModelEvaluator.Run(other, RandomImages(10, 7), Identity, new PassOptions { Reference = referencePass.Hits }));
    }

    [Fact]
    public void Margins_are_the_true_class_logit_minus_the_largest_other_and_do_not_depend_on_the_chunking()
    {
        using var net = TinyNet(8);
        var images = RandomImages(50, 9);
        var pass = ModelEvaluator.Run(net, images, Identity, new PassOptions { RecordMargins = true, RecordHits = true, BatchSize = 20, ChunkSize = 6 });
        var margins = pass.Margins!;
        Assert.Equal(50, margins.Length);
        var (x, labels) = images.NormalisedBatch(0, 50, Identity);
        float[] logits;
        using (no_grad()) logits = net.call(x).contiguous().data<float>().ToArray();
        var truth = labels.data<long>().ToArray();
        for (int i = 0; i < 50; i++)
        {
            var row = logits.AsSpan(i * 3, 3).ToArray();
            var largestOther = Enumerable.Range(0, 3).Where(k => k != truth[i]).Max(k => row[k]);
            Assert.Equal(row[truth[i]] - largestOther, margins[i], 4);
            if (margins[i] != 0) Assert.Equal(margins[i] > 0, pass.Hits![i]);
        }
        var oneChunk = ModelEvaluator.Run(net, images, Identity, new PassOptions { RecordMargins = true, BatchSize = 50, ChunkSize = 64 }).Margins!;
        for (int i = 0; i < 50; i++) Assert.Equal(margins[i], oneChunk[i], 4);
        Assert.Null(ModelEvaluator.Run(net, images, Identity, new PassOptions()).Margins);
    }

    [Fact]
    public void Smoothed_top1_is_the_mean_sigmoid_of_the_margins_in_percent_with_or_without_recording_them()
    {
        using var net = TinyNet(8);
        var images = RandomImages(50, 9);
        var margins = ModelEvaluator.Run(net, images, Identity, new PassOptions { RecordMargins = true, BatchSize = 20, ChunkSize = 6 }).Margins!;
        var expected = 100.0 * margins.Average(m => 1.0 / (1.0 + Math.Exp(-m)));
        Assert.Equal(expected, ModelEvaluator.Run(net, images, Identity, new PassOptions { BatchSize = 20, ChunkSize = 6 }).SoftTop1, 4);
        Assert.Equal(expected, ModelEvaluator.Run(net, images, Identity, new PassOptions { BatchSize = 50, ChunkSize = 64 }).SoftTop1, 4);
    }
}
