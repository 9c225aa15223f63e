using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>
/// How a misbehaving evaluator spoils what the synthetic one gives: the outcome of Evaluate (all of them, or all but the
/// unpruned point's unless <see cref="SpoilsBaseline"/>), the network of Export and the images of CalibrationImages.
/// </summary>
public sealed record Misbehaviour
{
    public Func<EvaluationOutcome, EvaluationOutcome> Outcome { get; init; } = o => o;
    public bool SpoilsBaseline { get; init; }
    public Func<DeployableNetwork, DeployableNetwork?> Export { get; init; } = n => n;
    public Func<float[], float[]?> CalibrationImages { get; init; } = i => i;
}

/// <summary>
/// An evaluator factory for the synthetic model (select it with the campaign's "evaluator") whose evaluators score like the
/// synthetic one and then spoil the outcome, the exported network or the calibration images, or throw, in the way its name
/// says. The unpruned point (the baseline) is left alone unless the name says "baseline", so the faults land in the trials.
/// "throws-in-create" cannot load its model.
/// </summary>
public sealed class MisbehavingEvaluatorFactory(string name, Misbehaviour misbehaviour) : ITrialEvaluatorFactory
{
    public string Name => name;
    public string Description => "Test-only evaluator that misbehaves: " + name;
    public bool Supports(string model) => model == SyntheticEvaluatorFactory.ModelName;

    public ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null) =>
        name == "throws-in-create"
            ? throw new InvalidOperationException("the test evaluator could not load its model (by design)")
            : new MisbehavingEvaluator(new SyntheticEvaluator(spec), misbehaviour);

    public static IEnumerable<MisbehavingEvaluatorFactory> All() =>
    [
        Spoiling("nan-top1", o => o with { Top1 = double.NaN }),
        Spoiling("infinite-top1", o => o with { Top1 = double.PositiveInfinity }),
        Spoiling("negative-top1", o => o with { Top1 = -3 }),
        Spoiling("top1-above-100", o => o with { Top1 = 150 }),
        Spoiling("zero-images", o => o with { Images = 0 }),
        Spoiling("null-profile", o => o with { Profile = null }),
        Spoiling("nan-profile", o => o with { Profile = Layers(o.Profile, l => l with { EffectiveSparsity = double.NaN, WeightDensity = double.NaN, Histogram = [[double.NaN]] }) }),
        Spoiling("unknown-layer-profile", o => o with { Profile = Layers(o.Profile, l => l with { Layer = l.Layer + ".ghost" }) }),
        Spoiling("throws-invalid-operation", _ => throw new InvalidOperationException("the test evaluator lost its data loader (by design)")),
        Spoiling("throws-null-reference", _ => throw new NullReferenceException()),
        Spoiling("throws-argument", _ => throw new ArgumentException("the test evaluator mixed up its tensors (by design)")),
        Spoiling("throws-in-create", o => o),
        new("nan-baseline", new Misbehaviour { Outcome = o => o with { Top1 = double.NaN }, SpoilsBaseline = true }),
        .. MisbehavingExports.All().Select(e => new MisbehavingEvaluatorFactory(e.Name, new Misbehaviour { Export = e.Spoil })),
        .. MisbehavingCalibrationImages.All().Select(c => new MisbehavingEvaluatorFactory(c.Name, new Misbehaviour { CalibrationImages = c.Spoil })),
    ];

    private static MisbehavingEvaluatorFactory Spoiling(string name, Func<EvaluationOutcome, EvaluationOutcome> outcome) =>
        new(name, new Misbehaviour { Outcome = outcome });

    private static SparsityProfile? Layers(SparsityProfile? profile, Func<LayerSparsity, LayerSparsity> spoil) =>
        profile is null ? null : profile with { Layers = profile.Layers.Select(spoil).ToList() };
}

/// <summary>Exported networks that are not the pruned network the contract promises, or an Export that throws.</summary>
public static class MisbehavingExports
{
    public static IEnumerable<(string Name, Func<DeployableNetwork, DeployableNetwork?> Spoil)> All() =>
    [
        ("throws-in-export", _ => throw new InvalidOperationException("the test evaluator lost its weights (by design)")),
        ("null-export", _ => null),
        ("short-weights-export", n => n with { Tensors = [n.Tensors[0] with { Weights = new float[3] }, .. n.Tensors.Skip(1)] }),
        ("nan-weights-export", n => n with { Tensors = [n.Tensors[0] with { Weights = Enumerable.Repeat(float.NaN, n.Tensors[0].Weights.Length).ToArray() }, .. n.Tensors.Skip(1)] }),
        ("missing-layer-export", n => n with { Tensors = n.Tensors.Skip(1).ToList() }),
        ("foreign-threshold-export", n => n with { ActivationThresholds = new Dictionary<string, double>(n.ActivationThresholds) { ["features.1.ghost"] = 0.1 } }),
        ("other-graph-export", n => n with { Graph = n.Graph with { Layers = n.Graph.Layers.Take(3).ToList() } }),
    ];
}

/// <summary>Calibration images that are not the N×C×H×W images asked for, or a CalibrationImages that throws.</summary>
public static class MisbehavingCalibrationImages
{
    public static IEnumerable<(string Name, Func<float[], float[]?> Spoil)> All() =>
    [
        ("throws-in-calibration-images", _ => throw new InvalidOperationException("the test evaluator lost its calibration images (by design)")),
        ("null-calibration-images", _ => null),
        ("short-calibration-images", i => i[..(i.Length / 2)]),
        ("nan-calibration-images", i => Enumerable.Repeat(float.NaN, i.Length).ToArray()),
    ];
}

/// <summary>The synthetic evaluator with its outcomes, exports or calibration images spoiled.</summary>
public sealed class MisbehavingEvaluator(ITrialEvaluator inner, Misbehaviour misbehaviour) : ITrialEvaluator
{
    public NetworkGraph Graph => inner.Graph;
    public string Fingerprint => inner.Fingerprint;
    public SearchSpace SearchSpace => inner.SearchSpace;
    public int ConfirmationImages => inner.ConfirmationImages;
    public bool HasSplit(string split) => inner.HasSplit(split);

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = inner.Evaluate(parameters, request, cancellationToken);
        return misbehaviour.SpoilsBaseline || parameters.QuantisedKey() != SearchSpace.Defaults().QuantisedKey() ? misbehaviour.Outcome(outcome) : outcome;
    }

    public DeployableNetwork Export(ParameterSet parameters) => misbehaviour.Export(inner.Export(parameters))!;
    public float[] CalibrationImages(int count) => misbehaviour.CalibrationImages(inner.CalibrationImages(count))!;
    public void Dispose() => inner.Dispose();
}
