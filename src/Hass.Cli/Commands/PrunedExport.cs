using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;
using Hass.Torch.Commands;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>
/// Writes a stored trial for tools outside hass: `hass model export &lt;campaign&gt; --trial N --format onnx --out FILE`
/// (the pruned network: BN folded, pruned weights and activation thresholds as evaluated) and `hass export
/// &lt;campaign&gt; --trial N [--out DIR]` (that network plus the design in fpgaConvNet's configuration format, written
/// by <see cref="DesignExportTarget"/> as `hass design --export` writes it), each through the exporter a plugin
/// registers for the format.
/// </summary>
internal static class PrunedExport
{
    public static int Network(CliContext ctx, string campaignName, int number, string format, string? output, CancellationToken cancellationToken)
    {
        var path = output ?? throw new UsageException("model export: --out FILE is required");
        OutputFiles.Check(path, "--out");
        using var trial = StoredTrial.Open(ctx, campaignName, number);
        OutputFiles.CheckNotInput(path, "--out", trial.StorePath, "store");
        var exporter = Exporters.Find<INetworkExporter>(trial.Services, format)
            ?? throw new UsageException($"--format: no loaded plugin exports networks as '{format}'; loaded network exporters: " +
                                        $"{Exporters.Formats<INetworkExporter>(trial.Services, DesignExportTarget.Onnx)}; see 'hass plugins'");
        var spec = trial.Campaign.Spec.ToEvaluatorSpec();
        using var evaluator = trial.Evaluator();
        var network = evaluator.Export(trial.Record.Parameters);
        ReplacedFile.Write(path, temporary => DesignExportTarget.Exporting(exporter.Who, temporary, json: false,   // a failing exporter leaves what was there
            () => exporter.Exporter.Write(network, spec.FixedPoint16, temporary)), cancellationToken);
        ctx.Out.Profile.Out.Writer.WriteLine($"trial {number} of '{campaignName}' written as {format} to {path}" +
            (spec.FixedPoint16 ? " (input: normalised image; fixed<16,8> rounding included)" : " (input: normalised image)"));
        return ExitCodes.Success;
    }

    /// <summary>Writes the trial's pruned network and its design's configuration for the design exporter <paramref name="format"/> into <paramref name="directory"/>.</summary>
    public static int Design(CliContext ctx, string campaignName, int number, string format, string directory, bool force, CancellationToken cancellationToken)
    {
        using var trial = StoredTrial.Open(ctx, campaignName, number);
        var design = trial.Record.Design
            ?? throw new UsageException($"trial {number} of '{campaignName}' has no hardware design ({trial.Record.State.ToString().ToLowerInvariant()}); pick a complete trial");
        var target = new DesignExportTarget(format.ToLowerInvariant(), directory, $"{campaignName}-trial{number}", force, "--format");
        target.Check(trial.Services, withNetwork: true);
        var spec = trial.Campaign.Spec.ToEvaluatorSpec();
        using var evaluator = trial.Evaluator();
        var profile = evaluator.Evaluate(trial.Record.Parameters, new EvaluationRequest { Profile = true }, cancellationToken).Profile;
        var (onnx, json) = target.Write(trial.Services, design, evaluator.Graph, profile, evaluator.Export(trial.Record.Parameters), spec.FixedPoint16, cancellationToken);
        ctx.Out.Profile.Out.Writer.WriteLine($"trial {number} of '{campaignName}': pruned network {onnx}, {target.Format} configuration {json}");
        return ExitCodes.Success;
    }

    /// <summary>A campaign's stored trial with the host's components to rebuild its evaluator.</summary>
    private sealed class StoredTrial : IDisposable
    {
        private readonly HassStore _store;

        private StoredTrial(HassStore store, IServiceProvider services, CampaignDocument campaign, TrialRecord record)
        {
            _store = store;
            Services = services;
            Campaign = campaign;
            Record = record;
        }

        public CampaignDocument Campaign { get; }
        public TrialRecord Record { get; }
        public IServiceProvider Services { get; }
        public string StorePath => _store.Path;

        public static StoredTrial Open(CliContext ctx, string name, int number)
        {
            var store = ctx.OpenStore(StoreAccess.Read);
            try
            {
                var campaign = store.GetCampaign(name)
                    ?? throw new UsageException($"campaign '{name}' is not in the store {store.Path}; see 'hass status'");
                var record = store.Trials(name).FirstOrDefault(t => t.Number == number)
                    ?? throw new UsageException($"campaign '{name}' has no trial {number}; see 'hass trials {name}'");
                return new StoredTrial(store, ctx.Services, campaign, record);
            }
            catch
            {
                store.Dispose();
                throw;
            }
        }

        public ITrialEvaluator Evaluator() =>
            StoredCampaignEvaluator.Create(Services.GetRequiredService<HassComponents>(), Campaign);

        public void Dispose() => _store.Dispose();
    }
}
