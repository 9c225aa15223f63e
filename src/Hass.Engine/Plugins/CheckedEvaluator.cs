using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// A loaded evaluator as the engine uses it (made by <see cref="CheckedEvaluatorFactory"/>): the one place its evaluations, exported
/// networks and calibration images enter the engine. Each is checked (<see cref="EvaluationCheck"/>, <see cref="DeployableNetworkCheck"/>,
/// <see cref="CalibrationImagesCheck"/>), and one that fails the check, or an exception the evaluator throws, becomes a
/// <see cref="PluginFaultException"/> naming the evaluator, its plugin and the call: a trial then fails with that message and nothing
/// it returned reaches the store (the baseline's stops the run), and a command that writes or measures the network stops before it
/// writes or sends anything. Only cancellation passes through unchanged; an ArgumentException from CalibrationImages (a count it
/// cannot give) is a fault that says the evaluator refused its input.
/// </summary>
public sealed class CheckedEvaluator(ITrialEvaluator inner, string who) : ITrialEvaluator
{
    public ITrialEvaluator Inner => inner;
    public NetworkGraph Graph => inner.Graph;
    public string Fingerprint => inner.Fingerprint;
    public IReadOnlyDictionary<string, string> FingerprintParts => inner.FingerprintParts;
    public SearchSpace SearchSpace => inner.SearchSpace;
    public int ConfirmationImages => inner.ConfirmationImages;

    public bool HasSplit(string split) => PluginFaultException.Guard(who, nameof(HasSplit), () => inner.HasSplit(split), IsCancellation);

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = PluginFaultException.Guard<EvaluationOutcome?>(who, nameof(Evaluate), () => inner.Evaluate(parameters, request, cancellationToken), IsCancellation);
        if (EvaluationCheck.Problem(outcome, request, inner.Graph) is { } problem)
            throw PluginFaultException.Of(who, $"returned an evaluation {problem}");
        return outcome!;
    }

    public DeployableNetwork Export(ParameterSet parameters)
    {
        var network = PluginFaultException.Guard<DeployableNetwork?>(who, nameof(Export), () => inner.Export(parameters), IsCancellation);
        if (DeployableNetworkCheck.Problem(network, inner.Graph) is { } problem)
            throw PluginFaultException.Of(who, $"returned a network from Export {problem}");
        return network!;
    }

    public float[] CalibrationImages(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var images = PluginFaultException.Guard<float[]?>(who, nameof(CalibrationImages), () => inner.CalibrationImages(count), IsCancellation, argumentsAreRefusals: true);
        if (CalibrationImagesCheck.Problem(images, count, inner.Graph) is { } problem)
            throw PluginFaultException.Of(who, $"returned calibration images {problem}");
        return images!;
    }

    public void Dispose() => inner.Dispose();

    private static bool IsCancellation(Exception e) => e is OperationCanceledException;
}

/// <summary>An evaluator factory whose evaluators are <see cref="CheckedEvaluator"/>s; an exception Create throws names the evaluator.</summary>
public sealed class CheckedEvaluatorFactory(ITrialEvaluatorFactory inner, string plugin) : ITrialEvaluatorFactory
{
    public ITrialEvaluatorFactory Inner => inner;
    public string Name => inner.Name;
    public string Description => inner.Description;
    public bool CanSearchOnTestSet => inner.CanSearchOnTestSet;

    /// <summary>How messages name this evaluator.</summary>
    public string Who => PluginFaultException.Describe("evaluator", inner.Name, plugin);

    public bool Supports(string model) => inner.Supports(model);
    public IReadOnlyList<SettingProblem> Validate(EvaluatorSpec spec) => inner.Validate(spec);
    public NetworkGraph? DescribeGraph(string model) => inner.DescribeGraph(model);

    /// <summary>
    /// The evaluator, checked. ArgumentException (settings it refuses), a missing file or folder and cancellation pass through:
    /// they are the user's to fix, not the plugin's.
    /// </summary>
    public ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null)
    {
        return PluginFaultException.Guard(Who, nameof(Create),
            () => new CheckedEvaluator(inner.Create(spec, progress) ?? throw new InvalidOperationException("Create returned null"), Who),
            e => e is OperationCanceledException or ArgumentException or IOException);
    }
}
