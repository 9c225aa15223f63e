using System.Reflection;
using System.Text.RegularExpressions;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// docs/cli.md's exit-code table is the contract: every code in it is produced by a real `hass` process (one
/// representative case each), and ExitCodes.cs has no code the table lacks.
/// </summary>
public class ExitCodeTableTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(120);

    private static IReadOnlyList<int> DocumentedCodes()
    {
        var doc = File.ReadAllText(Path.Combine(HassProcess.RepoRoot, "docs", "cli.md"));
        var section = doc[doc.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        return Regex.Matches(section, @"^\| (\d+) \|", RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value)).ToList();
    }

    [Fact]
    public void ExitCodes_has_exactly_the_codes_of_the_table()
    {
        var constants = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (int)f.GetRawConstantValue()!).Order().ToList();
        Assert.Equal(constants, DocumentedCodes().Order().ToList());
    }

    public static TheoryData<int> Codes => new(DocumentedCodes());

    [Theory]
    [MemberData(nameof(Codes))]
    public void Each_documented_code_is_produced_by_a_real_command(int code)
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var (exit, stdout, stderr) = code switch
        {
            ExitCodes.Success => HassProcess.Run(Long, ["boards", .. HassProcess.Common(store)]),
            ExitCodes.Failure => HassProcess.Run(Long, ["run", Campaign(dir, "\"delayMs\": 0", "\"failAbove\": 0.0001"), .. HassProcess.Common(store)]),
            ExitCodes.InvalidInput => HassProcess.Run(Long, ["frobnicate"]),
            ExitCodes.StoreInUse => SecondProcessOnABusyStore(dir, store),
            ExitCodes.StoreUnusable => HassProcess.Run(Long, ["status", .. HassProcess.Common(Path.Combine(dir, "missing.db"))]),
            ExitCodes.PluginErrors => HassProcess.Run(Long, ["plugins", .. HassProcess.Common(store), "--plugins", Path.Combine(HassProcess.RepoRoot, "artifacts", "testplugins", "Hass.TestPlugins.Throws")]),
            ExitCodes.BoardError => HassProcess.Run(Long, ["board", "probe", "tcp:127.0.0.1:1"]),
            ExitCodes.ClusterError => HassProcess.Run(Long, ["run", HassProcess.SyntheticCampaign, "--cluster", $"redis://127.0.0.1:{RedisServer.FreePort()}", .. HassProcess.Common(store)]),
            ExitCodes.Interrupted => InterruptedRun(dir, store),
            _ => throw new Xunit.Sdk.XunitException($"docs/cli.md documents exit code {code}; add a representative case here"),
        };
        output.WriteLine($"exit {exit}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.True(exit == code, $"expected exit {code}, got {exit}: {stderr}");
    }

    private static string Campaign(string dir, string from, string to, int delayMs = 0)
    {
        var path = Path.Combine(dir, "campaign.json");
        File.WriteAllText(path, File.ReadAllText(HassProcess.SyntheticCampaign).Replace(from, to)
            .Replace("\"trials\": 20", "\"trials\": 100").Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}"));
        return path;
    }

    private static (int, string, string) SecondProcessOnABusyStore(string dir, string store)
    {
        using var owner = HassProcess.Start(["run", Campaign(dir, "\"seed\": 7", "\"seed\": 7", delayMs: 200), .. HassProcess.Common(store)]);
        Assert.True(owner.WaitForOutput("baseline", Long), owner.Out + owner.Err);
        var second = HassProcess.Run(Long, ["status", .. HassProcess.Common(store)]);
        owner.KillHard();
        return second;
    }

    private static (int, string, string) InterruptedRun(string dir, string store)
    {
        using var run = HassProcess.Start(["run", Campaign(dir, "\"seed\": 7", "\"seed\": 7", delayMs: 200), .. HassProcess.Common(store)]);
        Assert.True(run.WaitForOutput("trial 2/", Long), run.Out + run.Err);
        run.Signal("INT");
        return (run.WaitForExit(Long), run.Out, run.Err);
    }
}
