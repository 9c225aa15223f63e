using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests;

/// <summary>
/// Input files and the store reached through symbolic links work like the files they lead to: a campaign file, a
/// board file and hass.json linked into a project folder, and a store on another disk linked in as ./hass.db.
/// </summary>
public class SymbolicLinkTests(ITestOutputHelper output)
{
    private (int Code, string Out, string Err) Hass(string dir, params string[] args)
    {
        var r = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), args);
        output.WriteLine($"$ hass {string.Join(' ', args)}\nexit {r.ExitCode}\n{r.Out}\n{r.Err}");
        return r;
    }

    [Fact]
    public void Linked_input_files_and_a_linked_store_work_like_their_targets()
    {
        var project = HassProcess.TempDir();
        var shared = HassProcess.TempDir();
        var real = Path.Combine(shared, "real.db");
        File.WriteAllText(Path.Combine(shared, "config.json"), "{ \"boards\": [\"boards\"] }");
        Directory.CreateDirectory(Path.Combine(project, "boards"));
        File.CreateSymbolicLink(Path.Combine(project, "boards", "toy-board.json"), Path.Combine(HassProcess.FixtureBoards, "toy-board.json"));
        File.CreateSymbolicLink(Path.Combine(project, "hass.json"), Path.Combine(shared, "config.json"));
        File.CreateSymbolicLink(Path.Combine(project, "campaign.json"), HassProcess.SyntheticCampaign);
        File.CreateSymbolicLink(Path.Combine(project, "hass.db"), real);
        string[] plugins = ["--no-builtin-plugins", "--no-builtin-boards", "--plugins", HassProcess.SyntheticPlugin];

        var first = Hass(shared, ["run", HassProcess.SyntheticCampaign, "--trials", "1", "--store", real, .. plugins, "--boards", HassProcess.FixtureBoards]);
        Assert.True(first.Code == ExitCodes.Success, first.Err);
        var resumed = Hass(project, ["run", "campaign.json", "--trials", "2", .. plugins]);
        Assert.True(resumed.Code == ExitCodes.Success, resumed.Err);
        Assert.Contains("2 in the store", resumed.Out);
        var status = Hass(project, ["status", .. plugins]);
        Assert.True(status.Code == ExitCodes.Success, status.Err);
        Assert.Contains("2/2", status.Out);

        // The store's lock lies beside the store itself, where every process using it looks for it.
        Assert.True(File.Exists(real + ".lock"));
        Assert.False(File.Exists(Path.Combine(project, "hass.db.lock")));
    }
}
