using System.Net;
using System.Net.Sockets;
using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>Bad input to `hass dashboard` and `hass run --dashboard`.</summary>
public class DashboardBadInputTests(ITestOutputHelper output)
{
    private static BadInputCase Case(string name, string[] args, int exit, params string[] words) => new(name, args, exit, words);

    public static TheoryData<BadInputCase> Cases => new()
    {
        Case("dashboard: address without a port", ["dashboard", "--address", "127.0.0.1"], ExitCodes.InvalidInput, "--address", "HOST:PORT"),
        Case("dashboard: port out of range", ["dashboard", "--address", "127.0.0.1:70000"], ExitCodes.InvalidInput, "--address", "70000"),
        Case("dashboard: host name that is not an address", ["dashboard", "--address", "example.org:80"], ExitCodes.InvalidInput, "--address", "example.org"),
        Case("dashboard: missing store", ["dashboard", "--store", "{dir}/none.db"], ExitCodes.StoreUnusable, "none.db", "does not exist"),
        Case("dashboard: a file that is not a store", ["dashboard", "--store", "{dir}/notes.txt"], ExitCodes.StoreUnusable, "notes.txt")
            with { Setup = dir => File.WriteAllText(Path.Combine(dir, "notes.txt"), "not a store\n") },
        Case("run: dashboard address out of range", ["run", "{dir}/c.json", "--dashboard", "127.0.0.1:99999"], ExitCodes.InvalidInput, "--dashboard", "99999")
            with { Setup = dir => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(dir, "c.json")) },
        Case("run: dashboard address that is not an address", ["run", "{dir}/c.json", "--dashboard", "nowhere:1"], ExitCodes.InvalidInput, "--dashboard", "nowhere")
            with { Setup = dir => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(dir, "c.json")) },
        Case("run: campaign file after --dashboard", ["run", "--dashboard", "{dir}/c.json"], ExitCodes.InvalidInput, "--dashboard", "campaign file goes before")
            with { Setup = dir => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(dir, "c.json")) },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Run_with_a_dashboard_port_that_is_taken_creates_and_changes_nothing(bool storeExists)
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var address = $"127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        BadInputRunner.Check(Case($"run: dashboard port that is taken ({(storeExists ? "existing" : "new")} store)",
            ["run", "{dir}/c.json", "--store", "{dir}/dd.db", "--dashboard", address], ExitCodes.InvalidInput, "dashboard", address, "already in use") with
        {
            Setup = dir =>
            {
                File.Copy(HassProcess.SyntheticCampaign, Path.Combine(dir, "c.json"));
                if (storeExists) StoreWithOneTrial(Path.Combine(dir, "dd.db"));
            },
        }, output);
    }

    private static void StoreWithOneTrial(string store)
    {
        var (code, _, err) = HassProcess.RunIn(Path.GetDirectoryName(store)!, TimeSpan.FromSeconds(120), ["run", HassProcess.SyntheticCampaign, "--trials", "1", .. HassProcess.Common(store)]);
        Assert.True(code == 0, "setting up the store failed: " + err);
    }
}
