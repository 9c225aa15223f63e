using System.CommandLine;
using Hass.Distributed;
using Hass.Engine.Campaigns;

namespace Hass.Cli.Commands;

/// <summary>
/// What `hass worker` and `hass workers` take to find a running owner: its campaign file with the owner's overrides
/// (the cluster id is the campaign's identity) and the worker-side cluster options.
/// </summary>
internal static class ClusterCampaignArguments
{
    private static readonly Argument<string> Campaign = new("campaign") { Description = "The campaign file the owner runs (the same overrides too)" };

    public static void AddTo(Command cmd)
    {
        cmd.Arguments.Add(Campaign);
        foreach (var o in new Option[] { RunCommand.Name, RunCommand.Board, RunCommand.Strategy, RunCommand.Backend, RunCommand.Seed }.Concat(ClusterArguments.WorkerOptions))
            cmd.Options.Add(o);
    }

    /// <summary>The owner's campaign and its cluster, checked reachable; <paramref name="noCluster"/> is the usage error when none is configured.</summary>
    public static async Task<(string Path, CampaignSpec Spec, ClusterSettings Cluster)> ResolveAsync(CliContext ctx, string noCluster)
    {
        var (path, spec) = Load(ctx);
        var cluster = ClusterArguments.Settings(ctx, spec) ?? throw new UsageException(noCluster);
        await ClusterPreflight.CheckAsync(cluster, owner: false);
        return (path, spec, cluster);
    }

    private static (string Path, CampaignSpec Spec) Load(CliContext ctx)
    {
        var path = ctx.Parse.GetValue(Campaign)!;
        var overrides = new CampaignOverrides
        {
            Name = ctx.Parse.GetValue(RunCommand.Name), Board = ctx.Parse.GetValue(RunCommand.Board), Strategy = ctx.Parse.GetValue(RunCommand.Strategy),
            Backend = ctx.Parse.GetValue(RunCommand.Backend), Seed = ctx.Parse.GetValue(RunCommand.Seed),
        };
        return (path, CampaignLoader.Load(path, overrides));
    }
}
