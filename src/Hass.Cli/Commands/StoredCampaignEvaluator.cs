using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;

namespace Hass.Cli.Commands;

/// <summary>
/// The evaluator of a stored campaign's network, for commands that read a trial back (export, board measure). The
/// campaign may come from a run that loaded a plugin this invocation did not: that is a usage error, not a crash.
/// </summary>
internal static class StoredCampaignEvaluator
{
    public static ITrialEvaluator Create(HassComponents components, CampaignDocument campaign)
    {
        var spec = campaign.Spec;
        var factory = components.FindEvaluatorFactory(spec.Model, spec.Evaluator)
            ?? throw new UsageException(
                $"campaign '{campaign.Name}' uses model '{spec.Model}'{(spec.Evaluator is null ? "" : $" (evaluator '{spec.Evaluator}')")}, which no loaded plugin provides; "
                + $"give the plugin folder of the run that stored it with --plugins DIR (loaded models: {string.Join(", ", components.Names(ComponentKind.Model).DefaultIfEmpty("none"))})");
        return factory.Create(spec.ToEvaluatorSpec());
    }
}
