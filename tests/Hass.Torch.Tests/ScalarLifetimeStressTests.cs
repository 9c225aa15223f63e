using Hass.Abstractions;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

/// <summary>
/// The hot paths (thresholded activations, fixed-point rounding, the window profiler) must keep every Scalar and
/// temporary tensor alive until libtorch is done with it. An implicitly converted Scalar can be finalized while the
/// native call still reads it; a thread that forces collections and finalizers all the time turns that
/// use-after-free into failures or changed values, which this test must never see.
/// </summary>
[Collection(CollectingThread.Collection)]
public class ScalarLifetimeStressTests
{
    private const int Iterations = 4000;
    private const int Workers = 2;
    /// <summary>Before the Add node held its alpha, about one add in 12,000 failed under the collector thread.</summary>
    private const int ResidualForwardsPerIteration = 5;

    [Fact]
    public void Threshold_forwards_under_forced_garbage_collection_never_fail_and_stay_bit_identical()
    {
        using var collector = new CollectingThread();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var workers = Enumerable.Range(0, Workers).Select(w => new Thread(() =>
        {
            try { RunForwards(w); }
            catch (Exception e) { failures.Enqueue(e); }
        })).ToList();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        Assert.Empty(failures);
        Assert.True(collector.Collections > 10, "the collector thread must have run alongside the forwards");
    }

    /// <summary>Thousands of forwards of every thresholded kind, fixed-point rounding and profiling, each compared bit for bit.</summary>
    private static void RunForwards(int worker)
    {
        using var _ = no_grad();
        using var generator = new Generator(7 + (ulong)worker);
        using var two = 2.0.ToScalar();
        using var input = randn(new long[] { 1, 4, 6, 6 }, generator: generator).mul_(two);
        using var weight = randn(new long[] { 2, 4, 3, 3 }, generator: generator);
        var sites = new[]
        {
            new ActivationSite(ActivationKind.ReLU) { Threshold = 0.3 },
            new ActivationSite(ActivationKind.ReLU6) { Threshold = 0.2 },
            new ActivationSite(ActivationKind.Hardswish) { Threshold = 0.1 },
        };
        using var residual = Residual();
        var expected = sites.Select(s => s.forward(input)).Append(residual.forward(input)).Append(FixedPoint.QuantiseActivations(input)).ToArray();
        var expectedCounts = WindowZeroHistogram.Count(expected[0], weight, 1, 1, 1);
        for (int i = 0; i < Iterations; i++)
        {
            for (int s = 0; s < sites.Length; s++)
                AssertSame(expected[s], sites[s].forward(input), $"{sites[s].Kind} forward {i}");
            for (int r = 0; r < ResidualForwardsPerIteration; r++)
                AssertSame(expected[sites.Length], residual.forward(input), $"residual forward {i}");
            AssertSame(expected[^1], FixedPoint.QuantiseActivations(input), $"fixed-point rounding {i}");
            if (i % 50 == 0) Assert.Equal(expectedCounts, WindowZeroHistogram.Count(expected[0], weight, 1, 1, 1));
        }
        foreach (var t in expected) t.Dispose();
    }

    /// <summary>A network whose Add node sums two branches: TorchSharp's `a + b` passes LibTorch an alpha it converts implicitly.</summary>
    private static HassNet Residual()
    {
        var b = new NetBuilder("residual", new TensorShape(4, 6, 6));
        var branch = b.Conv("conv", b.Input, 4, 3, padding: 1);
        var sum = b.Add("add1", b.Add("add0", branch, b.Input), branch);
        b.Linear("fc", b.Flatten("flatten", b.GlobalPool("pool", sum)), 4);
        var net = b.Build(4);
        net.eval();
        return net;
    }

    private static void AssertSame(Tensor expected, Tensor actual, string what)
    {
        using (actual)
            Assert.True(expected.data<float>().ToArray().AsSpan().SequenceEqual(actual.data<float>().ToArray()), $"{what}: result differs from the first forward");
    }
}
