using System.CommandLine;
using Hass.Distributed;
using Hass.Engine.Campaigns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Hass.Cli.Commands;

/// <summary>
/// `hass worker campaign.json --cluster …`: runs the trials of the campaign's owner (`hass run` with the same
/// cluster) until stopped. The campaign file names the cluster (its identity) and the evaluator the worker loads.
/// </summary>
public sealed class WorkerCommand : ICliCommand
{
    public int Order => 11;

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("worker", "Run the trials of a distributed campaign's owner (hass run --cluster …) on this machine");
        ClusterCampaignArguments.AddTo(cmd);
        cmd.SetAction(run(ExecuteAsync));
        return cmd;
    }

    private static async Task<int> ExecuteAsync(CliContext ctx, CancellationToken ct)
    {
        var (path, loaded, cluster) = await ClusterCampaignArguments.ResolveAsync(ctx,
            "hass worker needs a cluster: --cluster local (one machine) or --cluster redis://host:port (or $HASS_CLUSTER), as the owner's");
        var host = ctx.BuildHost(s =>
        {
            s.AddCampaign(loaded, path);
            s.AddSingleton(cluster);
            s.AddSingleton<WorkerOutcome>();
            s.AddHostedService<WorkerHostedService>();
        });
        var spec = host.Services.GetRequiredService<IOptions<CampaignSpec>>().Value;   // validated against the loaded components and boards
        await DatasetSetup.EnsureFashionMnistAsync(spec, ctx, ct);
        var outcome = host.Services.GetRequiredService<WorkerOutcome>();
        await host.RunAsync(CancellationToken.None);   // disposes the host
        return outcome.Error switch
        {
            null => ExitCodes.Interrupted, // a worker only stops when it is told to
            OperationCanceledException => ExitCodes.Interrupted,
            var e => throw e,
        };
    }
}
