using Hass.Engine.Plugins;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>
/// `hass model export &lt;campaign&gt; --trial N --format onnx --out FILE`: the stored trial's pruned network (BN folded,
/// pruned weights and activation thresholds as evaluated) written by the exporter a plugin registers for the format.
/// </summary>
internal static class PrunedExport
{
    public static int Run(CliContext ctx, string campaignName, int number, string format, string? output)
    {
        var path = output ?? throw new UsageException("model export: --out FILE is required");
        using var store = ctx.OpenStore(createIfMissing: false);
        var campaign = store.GetCampaign(campaignName)
            ?? throw new UsageException($"campaign '{campaignName}' is not in the store {store.Path}; see 'hass status'");
        var trial = store.Trials(campaignName).FirstOrDefault(t => t.Number == number)
            ?? throw new UsageException($"campaign '{campaignName}' has no trial {number}; see 'hass trials {campaignName}'");
        var catalog = ctx.LoadPlugins();
        using var provider = PluginSources.BuildProvider(catalog);
        var exporter = provider.GetKeyedService<INetworkExporter>(format)
            ?? throw new UsageException($"--format: no loaded plugin exports networks as '{format}'; see 'hass plugins'");
        var spec = campaign.Spec.ToEvaluatorSpec();
        using var evaluator = new HassComponents(provider).EvaluatorFor(campaign.Spec.Model, campaign.Spec.Evaluator).Create(spec, provider);
        exporter.Write(evaluator.Export(trial.Parameters), spec.FixedPoint16, path);
        ctx.Out.Profile.Out.Writer.WriteLine($"trial {number} of '{campaignName}' written as {format} to {path}" +
            (spec.FixedPoint16 ? " (input: normalised image; fixed<16,8> rounding included)" : " (input: normalised image)"));
        return ExitCodes.Success;
    }
}
