using System.CommandLine;
using Hass.Distributed;

namespace Hass.Cli.Commands;

/// <summary>
/// The `hass worker` command an owner prints for its workers. The cluster id is the campaign's identity, so the
/// worker needs the owner's overrides; and it loads the campaign's plugins and boards, so it needs the owner's
/// extra folders too. Without them a worker joins another cluster and waits for an owner that never comes.
/// </summary>
internal static class WorkerCommandHint
{
    private static Option[] Overrides => [RunCommand.Name, RunCommand.Seed, RunCommand.Board, RunCommand.Strategy, RunCommand.Backend];
    private static Option[] Paths => [GlobalOptions.Plugins, GlobalOptions.Boards, ClusterArguments.SecretFile, ClusterArguments.TlsCertificate];

    public static string For(CliContext ctx, string campaignPath, ClusterSettings cluster)
    {
        var words = new List<string> { "hass", "worker", Quoted(Path.GetFullPath(campaignPath)), "--cluster", cluster.Address.ToString() };
        if (cluster.Address.IsLocal && cluster.GatewayPort != ClusterSettings.DefaultGatewayPort) words.AddRange(["--gateway-port", cluster.GatewayPort.ToString()]);
        foreach (var flag in new[] { GlobalOptions.NoBuiltInPlugins, GlobalOptions.NoBuiltInBoards })
            if (ctx.Parse.GetValue(flag)) words.Add(flag.Name);
        foreach (var option in Overrides.Concat(Paths))
            if (ctx.Parse.GetResult(option) is { } result)
                foreach (var token in result.Tokens)
                    words.AddRange([option.Name, Quoted(Paths.Contains(option) ? Path.GetFullPath(token.Value) : token.Value)]);
        return string.Join(' ', words);
    }

    private static string Quoted(string word) => word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=@+,".Contains(c)) ? word : "'" + word.Replace("'", "'\\''") + "'";
}
