using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// A loaded evaluator as the engine uses it (made by <see cref="CheckedEvaluatorFactory"/>): the one place its evaluations enter
/// the engine. Every evaluation is checked (<see cref="EvaluationCheck"/>), and an evaluation that fails the check, or an exception
/// the evaluator throws, becomes a <see cref="PluginFaultException"/> naming the evaluator and its plugin: a trial then fails with
/// that message and nothing it returned reaches the store (the baseline's stops the run). Cancellation and ArgumentException
/// (a request the evaluator cannot serve, such as a split it does not know) pass through unchanged.
/// </summary>
public sealed class CheckedEvaluator(ITrialEvaluator inner, string who) : ITrialEvaluator
{
    public ITrialEvaluator Inner => inner;
    public NetworkGraph Graph => inner.Graph;
    public string Fingerprint => inner.Fingerprint;
    public IReadOnlyDictionary<string, string> FingerprintParts => inner.FingerprintParts;
    public SearchSpace SearchSpace => inner.SearchSpace;
    public int ConfirmationImages => inner.ConfirmationImages;

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var outcome = PluginFaultException.Guard<EvaluationOutcome?>(who, nameof(Evaluate), () => inner.Evaluate(parameters, request, cancellationToken), PassesThrough);
        if (EvaluationCheck.Problem(outcome, request, inner.Graph) is { } problem)
            throw PluginFaultException.Of(who, $"returned an evaluation {problem}");
        return outcome!;
    }

    public DeployableNetwork Export(ParameterSet parameters) => inner.Export(parameters);
    public float[] CalibrationImages(int count) => inner.CalibrationImages(count);
    public void Dispose() => inner.Dispose();

    /// <summary>Cancellation, and what the contract uses for input it refuses: these are no plugin bugs.</summary>
    internal static bool PassesThrough(Exception e) => e is OperationCanceledException or ArgumentException;
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
            e => CheckedEvaluator.PassesThrough(e) || e is IOException);
    }
}
