using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>
/// An evaluator factory for the synthetic model (select it with the campaign's "evaluator") whose evaluators score like the
/// synthetic one and then spoil the outcome, or throw, in the way its name says. The unpruned point (the baseline) is left
/// alone unless the name says "baseline", so the faults land in the trials. "throws-in-create" cannot load its model.
/// </summary>
public sealed class MisbehavingEvaluatorFactory(string name, Func<EvaluationOutcome, EvaluationOutcome> spoil, bool spoilsBaseline = false) : ITrialEvaluatorFactory
{
    public string Name => name;
    public string Description => "Test-only evaluator that misbehaves: " + name;
    public bool Supports(string model) => model == SyntheticEvaluatorFactory.ModelName;

    public ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null) =>
        name == "throws-in-create"
            ? throw new InvalidOperationException("the test evaluator could not load its model (by design)")
            : new MisbehavingEvaluator(new SyntheticEvaluator(spec), spoil, spoilsBaseline);

    public static IEnumerable<MisbehavingEvaluatorFactory> All() =>
    [
        new("nan-top1", o => o with { Top1 = double.NaN }),
        new("infinite-top1", o => o with { Top1 = double.PositiveInfinity }),
        new("negative-top1", o => o with { Top1 = -3 }),
        new("top1-above-100", o => o with { Top1 = 150 }),
        new("zero-images", o => o with { Images = 0 }),
        new("null-profile", o => o with { Profile = null }),
        new("nan-profile", o => o with { Profile = Layers(o.Profile, l => l with { EffectiveSparsity = double.NaN, WeightDensity = double.NaN, Histogram = [[double.NaN]] }) }),
        new("unknown-layer-profile", o => o with { Profile = Layers(o.Profile, l => l with { Layer = l.Layer + ".ghost" }) }),
        new("throws-invalid-operation", _ => throw new InvalidOperationException("the test evaluator lost its data loader (by design)")),
        new("throws-null-reference", _ => throw new NullReferenceException()),
        new("throws-in-create", o => o),
        new("nan-baseline", o => o with { Top1 = double.NaN }, spoilsBaseline: true),
    ];

    private static SparsityProfile? Layers(SparsityProfile? profile, Func<LayerSparsity, LayerSparsity> spoil) =>
        profile is null ? null : profile with { Layers = profile.Layers.Select(spoil).ToList() };
}

/// <summary>The synthetic evaluator with its outcomes spoiled (all of them, or all but the unpruned point's).</summary>
public sealed class MisbehavingEvaluator(ITrialEvaluator inner, Func<EvaluationOutcome, EvaluationOutcome> spoil, bool spoilsBaseline) : ITrialEvaluator
{
    public NetworkGraph Graph => inner.Graph;
    public string Fingerprint => inner.Fingerprint;
    public SearchSpace SearchSpace => inner.SearchSpace;

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = inner.Evaluate(parameters, request, cancellationToken);
        return spoilsBaseline || parameters.QuantisedKey() != SearchSpace.Defaults().QuantisedKey() ? spoil(outcome) : outcome;
    }

    public DeployableNetwork Export(ParameterSet parameters) => inner.Export(parameters);
    public float[] CalibrationImages(int count) => inner.CalibrationImages(count);
    public void Dispose() => inner.Dispose();
}
