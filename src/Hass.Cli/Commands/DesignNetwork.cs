using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Torch.Commands;

namespace Hass.Cli.Commands;

/// <summary>
/// The network `hass design --model NAME` designs when it has weights to export or pruning parameters to apply:
/// the model's evaluator (weights, data for the profile) with <c>--params</c> (default: every dimension at its
/// default, i.e. unpruned) completed over its search space.
/// </summary>
internal sealed class DesignNetwork : IDisposable
{
    private readonly ITrialEvaluator _evaluator;
    private readonly ParameterSet _parameters;

    private DesignNetwork(ITrialEvaluator evaluator, ParameterSet parameters)
    {
        _evaluator = evaluator;
        _parameters = parameters;
    }

    /// <param name="options">The design's widths: the network is evaluated (and exported) at the same data and weight widths.</param>
    /// <param name="pruningSettings">The criterion's settings (--pruning-settings, checked by <see cref="CheckPruningSettings"/>); null = its defaults.</param>
    /// <param name="calibrationImages">Images the profile is measured over (--calibration-images); null = the evaluator's default.</param>
    public static DesignNetwork Open(HassComponents components, string model, string? parametersFile, PreprocessSpec? preprocess, DesignOptions options,
        System.Text.Json.JsonElement? pruningSettings = null, int? calibrationImages = null)
    {
        var factory = components.FindEvaluatorFactory(model)
            ?? throw new UsageException($"--model: unknown model '{model}'; available: {string.Join(", ", components.Names(ComponentKind.Model).DefaultIfEmpty("(none loaded)"))}");
        var pruning = PruningOf(components, model);
        var given = parametersFile is null ? null : ModelCommands.ReadParameters(parametersFile);
        var quantisation = new QuantisationSpec { ActivationBits = options.DataBits ?? 16, WeightBits = options.WeightBits ?? 16 };
        var spec = new EvaluatorSpec
        {
            Model = model, Pruning = pruning, PruningSettings = pruningSettings ?? default, Preprocess = preprocess, Quantisation = quantisation.IsDefault ? null : quantisation,
        };
        var evaluator = factory.Create(calibrationImages is { } images ? spec with { CalibrationImages = images } : spec);
        try
        {
            return new DesignNetwork(evaluator, given is null ? evaluator.SearchSpace.Defaults() : ModelCommands.Complete(evaluator.SearchSpace, given));
        }
        catch
        {
            evaluator.Dispose();
            throw;
        }
    }

    /// <summary>Refuses --pruning-settings the model's pruning criterion refuses, also when no network is opened.</summary>
    public static void CheckPruningSettings(HassComponents components, string model, System.Text.Json.JsonElement? pruningSettings)
    {
        if (pruningSettings is not { } settings) return;
        var pruning = PruningOf(components, model);
        if (components.Find(ComponentKind.Pruning, pruning) is ISettingsValidator validator && validator.ValidateSettings(settings) is { Count: > 0 } problems)
            throw new UsageException($"--pruning-settings: settings of pruning criterion '{pruning}': {string.Join("; ", problems)}");
    }

    private static string PruningOf(HassComponents components, string model) =>
        components.Names(ComponentKind.Pruning).FirstOrDefault()
        ?? throw new UsageException($"--model: '{model}' needs a pruning criterion to build its evaluator, and none is loaded; see 'hass plugins'");

    public NetworkGraph Graph => _evaluator.Graph;

    /// <summary>The sparsity profile of the (pruned) network over the evaluator's calibration images.</summary>
    public SparsityProfile Profile() => _evaluator.Evaluate(_parameters, new EvaluationRequest { Profile = true }).Profile
        ?? throw new InvalidOperationException($"the evaluator of '{Graph.Name}' returned no profile");

    public DeployableNetwork Export() => _evaluator.Export(_parameters);

    public void Dispose() => _evaluator.Dispose();
}
