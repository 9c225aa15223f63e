using System.Diagnostics;
using Hass.Abstractions;
using Hass.Torch;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Hass.Torch.Pruning;
using Hass.Torch.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Hass.Bench.Profiler;

/// <summary>The profiler (window codes) vs the direct window×filter materialisation, same inputs, every conv layer.</summary>
public static class ProfilerBenchmark
{
    public static int Run(IServiceProvider services, string model, int images, TextWriter output)
    {
        TorchRuntime.Configure();
        var provider = services.GetRequiredService<ModelCatalog>().Resolve(model);
        var dataset = Datasets.Open(provider.Info.DefaultDataset, null, provider.Info.InputShape);
        HassNet trained;
        string source;
        try { var loaded = ModelCatalog.Load(provider, null, new CheckpointStore(), dataset); trained = loaded.Net; source = loaded.WeightsSource; }
        catch (ModelException) { trained = provider.Build(0); trained.eval(); source = "random init (no trained checkpoint)"; }
        using var net = TrialNetwork.Prepare(trained, fixedPoint16: true);
        trained.Dispose();

        // A realistic pruned point: weights below 0.5·std(W) and activations below 0.1 are zeroed.
        var criterion = services.GetRequiredKeyedService<IPruningCriterion>("uniform");
        using var handle = criterion.Attach(net, default).Apply(new ParameterSet(new Dictionary<string, double> { ["w:*"] = 0.5, ["a:*"] = 0.1 }));

        var splits = new DataSplits(dataset);
        var normalisation = new Normalisation(provider.Info.Mean, provider.Info.Std);
        var inputs = new List<(NetNode Conv, Tensor Input)>();
        net.ConvObserver = (conv, x) => inputs.Add((conv, x.clone().DetachFromDisposeScope()));
        using (no_grad())
        {
            var (x, _) = splits.Calibration(images).NormalisedBatch(0, images, normalisation);
            net.call(x);
        }
        net.ConvObserver = null;

        output.WriteLine($"{model} ({source}), {images} calibration images, {inputs.Count} conv layers, pruned at w:*=0.5·std, a:*=0.1, {get_num_threads()} threads");
        double fast = double.MaxValue, direct = double.MaxValue;
        bool same = true;
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var clock = Stopwatch.StartNew();
            var fastResults = inputs.Select(p => WindowZeroHistogram.Count(p.Input, p.Conv.Weight, p.Conv.Stride, p.Conv.Padding, p.Conv.Groups)).ToList();
            fast = Math.Min(fast, clock.Elapsed.TotalSeconds);
            if (repeat == 2) break; // direct is slow: two runs are enough
            clock.Restart();
            var directResults = inputs.Select(p => DirectWindowCounter.Count(p.Input, p.Conv.Weight, p.Conv.Stride, p.Conv.Padding, p.Conv.Groups)).ToList();
            direct = Math.Min(direct, clock.Elapsed.TotalSeconds);
            for (int i = 0; i < inputs.Count; i++)
                if (!Equal(fastResults[i], directResults[i])) { same = false; output.WriteLine($"MISMATCH in {inputs[i].Conv.Name}"); }
        }
        output.WriteLine($"window-code profiler: {fast * 1000:F1} ms   direct materialisation: {direct * 1000:F1} ms   speed-up {direct / fast:F1}x   histograms identical: {same}");
        SpreadCost(inputs, output);
        foreach (var (_, t) in inputs) t.Dispose();
        return same ? 0 : 1;
    }

    /// <summary>
    /// What the image-to-image spread (per-(row, channel) non-zero-product moments) adds to a profiling pass:
    /// the pass's counts alone vs the counts plus the moments, interleaved, best of five each.
    /// </summary>
    private static void SpreadCost(List<(NetNode Conv, Tensor Input)> inputs, TextWriter output)
    {
        double countsOnly = double.MaxValue, withSpread = double.MaxValue;
        for (int repeat = 0; repeat < 5; repeat++)
        {
            var clock = Stopwatch.StartNew();
            foreach (var (conv, x) in inputs) WindowZeroHistogram.CountAll(x, conv.Weight, conv.Stride, conv.Padding, conv.Groups);
            countsOnly = Math.Min(countsOnly, clock.Elapsed.TotalSeconds);
            clock.Restart();
            foreach (var (conv, x) in inputs)
            {
                var counts = WindowZeroHistogram.CountAll(x, conv.Weight, conv.Stride, conv.Padding, conv.Groups);
                new RowNonZeroMoments(WeightPatterns.Of(conv.Weight, conv.Groups), counts.Rows).Accumulate(x, conv.Stride, conv.Padding);
            }
            withSpread = Math.Min(withSpread, clock.Elapsed.TotalSeconds);
        }
        output.WriteLine($"profile pass: counts {countsOnly * 1000:F1} ms   counts + spread moments {withSpread * 1000:F1} ms   ratio {withSpread / countsOnly:F2}");
    }

    private static bool Equal(long[,] a, long[,] b) =>
        a.GetLength(0) == b.GetLength(0) && a.GetLength(1) == b.GetLength(1) && a.Cast<long>().SequenceEqual(b.Cast<long>());
}

/// <summary>Wall time of one trial evaluation: accuracy on the 2,000-image search split + profile on the calibration images.</summary>
public static class TrialBenchmark
{
    public static int Run(IServiceProvider services, string model, int calibration, int repeats, TextWriter output)
    {
        TorchRuntime.Configure();
        var spec = new EvaluatorSpec { Model = model, Pruning = "threshold", CalibrationImages = calibration, SearchImages = 2000 };
        var factory = services.GetRequiredKeyedService<ITrialEvaluatorFactory>("torch");
        using var evaluator = factory.Create(spec);
        var rng = new Random(7);
        ParameterSet Random() => new(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => rng.NextDouble() * 0.5 * d.High));
        evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest()); // warm-up
        var totals = new List<double>();
        var accuracy = new List<double>();
        var profile = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            var clock = Stopwatch.StartNew();
            var outcome = evaluator.Evaluate(i == 0 ? evaluator.SearchSpace.Defaults() : Random(), new EvaluationRequest());
            totals.Add(clock.Elapsed.TotalSeconds);
            accuracy.Add(outcome.EvaluationTime.TotalSeconds);
            profile.Add(outcome.ProfileTime.TotalSeconds);
            output.WriteLine($"trial {i}: top-1 {outcome.Top1:F2}% on {outcome.Images}, effective sparsity {outcome.EffectiveSparsity:P1}, " +
                $"accuracy {outcome.EvaluationTime.TotalSeconds:F3} s + profile {outcome.ProfileTime.TotalSeconds:F3} s = {clock.Elapsed.TotalSeconds:F3} s");
        }
        static double Median(List<double> v) { var s = v.Order().ToList(); return s[s.Count / 2]; }
        output.WriteLine($"{model}: median trial {Median(totals):F3} s (accuracy on 2000 search images {Median(accuracy):F3} s, profile on {calibration} calibration images {Median(profile):F3} s), {get_num_threads()} threads");
        return 0;
    }
}
