using System.CommandLine;
using Hass.Distributed;
using Hass.Engine.Campaigns;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass workers campaign.json --cluster …`: the running owner's workers, their trials in flight and done, the queue and the rate.</summary>
public sealed class WorkersCommand : ICliCommand
{
    public int Order => 12;

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("workers", "The workers of a running distributed campaign: trials in flight and done, queue, re-dispatches");
        ClusterCampaignArguments.AddTo(cmd);
        cmd.SetAction(run(ExecuteAsync));
        return cmd;
    }

    private static async Task<int> ExecuteAsync(CliContext ctx, CancellationToken ct)
    {
        var (_, _, cluster) = await ClusterCampaignArguments.ResolveAsync(ctx,
            "hass workers needs the owner's cluster: --cluster local or --cluster redis://host:port (or $HASS_CLUSTER)");
        var status = await ClusterQuery.StatusAsync(cluster, ct);
        var table = new Table().AddColumns("worker", "in flight", "done");
        foreach (var w in status.Workers) table.AddRow(Markup.Escape(w.Worker), $"{w.InFlight}", $"{w.Completed}");
        ctx.Out.Write(table);
        ctx.Out.WriteLine($"cluster {cluster.ClusterId}: {status.Workers.Count} worker(s), {status.Workers.Sum(w => w.InFlight)} trial(s) in flight, " +
                          $"{status.Queued} queued, {status.Completed} done ({status.TrialsPerMinute:F1} trials/min), {status.Redispatched} re-dispatched");
        return ExitCodes.Success;
    }
}
