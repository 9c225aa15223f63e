using Hass.Abstractions;
using Hass.Torch;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Bench.Profiler;

/// <summary>
/// Prints every figure of the evaluation of seeded random points (top-1, images, early stop, sparsities and the
/// profile's content hash), one line per point, so that two builds can be diffed: an evaluator change that must not
/// change results is checked with this before and after.
/// </summary>
public static class OutcomesBenchmark
{
    public static int Run(IServiceProvider services, string model, int points, int seed, TextWriter output)
    {
        TorchRuntime.Configure(1);
        var spec = new EvaluatorSpec { Model = model, Pruning = "threshold", CalibrationImages = 200, SearchImages = 2000 };
        using var evaluator = services.GetRequiredService<TorchTrialEvaluatorFactory>().CreateEvaluator(spec);
        var baseline = evaluator.Evaluate(evaluator.SearchSpace.Defaults(), new EvaluationRequest());
        output.WriteLine(Line("defaults", baseline));
        var rng = new Random(seed);
        for (int i = 0; i < points; i++)
        {
            var reach = i % 2 == 0 ? 0.3 : 0.8;   // mild points finish, strong ones mostly stop early
            var point = new ParameterSet(evaluator.SearchSpace.Dimensions.ToDictionary(d => d.Name, d => d.Low + rng.NextDouble() * reach * (d.High - d.Low)));
            var outcome = evaluator.Evaluate(point, new EvaluationRequest { BaselineTop1 = baseline.Top1, EarlyStopDrop = 3.0 });
            output.WriteLine(Line($"point {i}", outcome));
        }
        return 0;
    }

    private static string Line(string name, EvaluationOutcome o) => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{name}: top1 {o.Top1:R} images {o.Images} stopped {o.StoppedEarly} weights {o.WeightSparsity:R} activations {o.ActivationSparsity:R} " +
        $"effective {o.EffectiveSparsity:R} profile {o.Profile?.ContentHash() ?? "none"}");
}
