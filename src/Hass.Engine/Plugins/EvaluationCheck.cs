using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// What the engine checks of every evaluation an evaluator returns before it is used or stored (docs/models.md, "What the
/// engine checks of an evaluation"): there is an outcome; its top-1 (and smoothed top-1, when given) is a finite percentage in
/// [0, 100]; it scored at least one image; its sparsities are fractions in [0, 1]; lost and gained images are counts within the
/// images; and when a profile was asked for and the evaluation did not stop early, there is one whose layers are layers of the
/// evaluator's graph, each with finite densities in [0, 1] and a histogram of finite, non-negative numbers.
/// </summary>
public static class EvaluationCheck
{
    /// <summary>What is wrong with <paramref name="outcome"/> ("with …", to follow "returned an evaluation"), or null when nothing is.</summary>
    public static string? Problem(EvaluationOutcome? outcome, EvaluationRequest request, NetworkGraph graph)
    {
        if (outcome is null) return "that is null";
        if (!Percentage(outcome.Top1)) return $"with a top-1 of {Number(outcome.Top1)}% (it must be a finite percentage in [0, 100])";
        if (outcome.SoftTop1 is { } soft && !Percentage(soft)) return $"with a smoothed top-1 of {Number(soft)}% (it must be a finite percentage in [0, 100], or null)";
        if (outcome.Images <= 0) return $"of {outcome.Images} images (it must count the images it scored, at least 1)";
        double[] fractions = [outcome.WeightSparsity, outcome.ActivationSparsity, outcome.EffectiveSparsity];
        if (!fractions.All(Fraction))
            return $"with a sparsity that is not a fraction in [0, 1] (weight {Number(outcome.WeightSparsity)}, activation {Number(outcome.ActivationSparsity)}, effective {Number(outcome.EffectiveSparsity)})";
        if (outcome.LostImages is < 0 || outcome.GainedImages is < 0 || outcome.LostImages > outcome.Images || outcome.GainedImages > outcome.Images)
            return $"with {outcome.LostImages} lost and {outcome.GainedImages} gained images of {outcome.Images} (counts within the images scored)";
        if (outcome.Profile is null)
            return request.Profile && !outcome.StoppedEarly ? "without the sparsity profile it was asked for (Profile is null)" : null;
        return ProfileProblem(outcome.Profile, graph);
    }

    private static string? ProfileProblem(SparsityProfile profile, NetworkGraph graph)
    {
        if (profile.Layers is null) return "whose sparsity profile's Layers is null";
        var names = graph.Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var layer in profile.Layers)
        {
            if (layer is null) return "with a null entry in its sparsity profile";
            if (!names.Contains(layer.Layer)) return $"with a sparsity profile naming layer '{layer.Layer}', which is not in the graph of model '{graph.Name}'";
            if (!Fraction(layer.WeightDensity) || !Fraction(layer.ActivationDensity) || !Fraction(layer.EffectiveSparsity))
                return $"with a sparsity profile whose layer '{layer.Layer}' has a density or sparsity that is not a fraction in [0, 1] (weight density " +
                       $"{Number(layer.WeightDensity)}, activation density {Number(layer.ActivationDensity)}, effective sparsity {Number(layer.EffectiveSparsity)})";
            if (layer.Histogram is null || layer.Histogram.Any(row => row is null || row.Any(v => !double.IsFinite(v) || v < 0)))
                return $"with a sparsity profile whose layer '{layer.Layer}' has a histogram that is missing or holds negative or non-finite numbers";
        }
        return null;
    }

    private static bool Percentage(double value) => double.IsFinite(value) && value is >= 0 and <= 100;

    private static bool Fraction(double value) => double.IsFinite(value) && value is >= 0 and <= 1;

    private static string Number(double value) => DesignCheck.Number(value);
}
