using System.Net;
using System.Text.Json.Nodes;

namespace Hass.Dashboard.Tests;

/// <summary>`hass dashboard` and `hass run --dashboard` as real processes.</summary>
public class CliTests
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(2);

    /// <summary>A store holding the finished campaign "done" of <paramref name="trials"/> trials, and its campaign file.</summary>
    private static (string Store, string Campaign) FinishedCampaign(int trials)
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var campaign = HassCli.Campaign(dir, "done", trials, delayMs: 0);
        var run = HassProcess.Run(Long, ["run", campaign, .. HassProcess.Common(store)]);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        return (store, campaign);
    }

    [Fact]
    public async Task Hass_dashboard_serves_a_finished_store_until_interrupted_and_changes_nothing()
    {
        var (store, _) = FinishedCampaign(trials: 5);
        var before = File.ReadAllBytes(store);

        using var dashboard = HassProcess.Start(["dashboard", "--address", "127.0.0.1:0", .. HassProcess.Common(store)]);
        var url = dashboard.WaitForDashboard(Long);
        Assert.Equal("127.0.0.1", url.Host);
        using var http = new HttpClient { BaseAddress = url };
        var list = JsonNode.Parse(await http.GetStringAsync("api/v1/campaigns"))!.AsArray();
        Assert.Equal(5, (int)list.Single(c => (string)c!["campaign"]!["name"]! == "done")!["trials"]!);

        dashboard.Interrupt();
        Assert.Equal(0, dashboard.WaitForExit(Long));
        Assert.Equal(before, File.ReadAllBytes(store));
    }

    [Fact]
    public void Readers_share_a_served_store_and_a_run_on_it_is_refused_until_they_finish()
    {
        var (store, campaign) = FinishedCampaign(trials: 3);
        var before = File.ReadAllBytes(store);

        using var dashboard = HassProcess.Start(["dashboard", "--address", "127.0.0.1:0", .. HassProcess.Common(store)]);
        dashboard.WaitForDashboard(Long);
        var status = HassProcess.Run(Long, ["status", .. HassProcess.Common(store)]);
        Assert.True(status.ExitCode == 0, status.Out + status.Err);
        Assert.Contains("done", status.Out);
        var refused = HassProcess.Run(Long, ["run", campaign, "--trials", "5", .. HassProcess.Common(store)]);
        Assert.Equal(3, refused.ExitCode);
        Assert.Equal($"error: store {store} is being read by another process (hass status, trials, report, export or dashboard); wait for it to finish, stop it, or use another --store",
            refused.Err.Trim());

        dashboard.Interrupt();
        Assert.Equal(0, dashboard.WaitForExit(Long));
        Assert.Equal(before, File.ReadAllBytes(store));
        var resumed = HassProcess.Run(Long, ["run", campaign, "--trials", "5", .. HassProcess.Common(store)]);
        Assert.True(resumed.ExitCode == 0, resumed.Out + resumed.Err);
    }

    [Fact]
    public async Task A_client_with_half_a_request_does_not_hold_the_dashboard_when_it_stops()
    {
        var (store, _) = FinishedCampaign(trials: 2);
        using var dashboard = HassProcess.Start(["dashboard", "--address", "127.0.0.1:0", .. HassProcess.Common(store)]);
        var url = dashboard.WaitForDashboard(Long);
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(url.Host, url.Port);
        await client.GetStream().WriteAsync("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"u8.ToArray());   // the headers never end
        await Task.Delay(200);

        var stopping = System.Diagnostics.Stopwatch.StartNew();
        dashboard.Signal("TERM");
        Assert.Equal(0, dashboard.WaitForExit(Long));
        // Kestrel's default would wait 30 s for the request; the dashboard waits a second.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"stopping took {stopping.Elapsed}");
    }

    [Fact]
    public void An_address_that_cannot_be_listened_on_is_exit_2_naming_it()
    {
        var (store, _) = FinishedCampaign(trials: 2);
        var before = File.ReadAllBytes(store);
        using var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        // 192.0.2.1 (TEST-NET-1) is no address of this machine: binding fails at once, nothing is sent.
        foreach (var address in new[] { $"127.0.0.1:{port}", "192.0.2.1:8765" })
        {
            var refused = HassProcess.Run(Long, ["dashboard", "--address", address, .. HassProcess.Common(store)]);
            Assert.Equal(2, refused.ExitCode);
            Assert.Equal($"error: the dashboard cannot listen on {address}", refused.Err.Split(" (")[0]);
            Assert.Single(refused.Err.Trim().Split('\n'));
        }
        Assert.Equal(before, File.ReadAllBytes(store));
    }

    [Fact]
    public void Hass_dashboard_on_the_store_of_a_running_campaign_is_refused_with_the_owners_pid()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        using var run = HassProcess.Start(["run", HassCli.Campaign(dir, "busy", trials: HassCli.UnfinishedTrials, delayMs: 100), "--dashboard", "127.0.0.1:0", .. HassProcess.Common(store)]);
        run.WaitForDashboard(Long);

        var refused = HassProcess.Run(Long, ["dashboard", "--address", "127.0.0.1:0", .. HassProcess.Common(store)]);
        Assert.Equal(3, refused.ExitCode);
        Assert.StartsWith("error: ", refused.Err);
        Assert.Contains($"in use by PID {run.Id}", refused.Err);
        Assert.Contains("hass run --dashboard", refused.Err);
        run.Interrupt();
        Assert.Equal(130, run.WaitForExit(Long));
    }

    [Fact]
    public async Task A_bare_dashboard_flag_serves_on_the_default_loopback_address()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        // Any free port is not asked for here: the default address is used, so this test takes 127.0.0.1:8765 only when it is free.
        using var probe = new System.Net.Sockets.TcpListener(IPAddress.Loopback, DashboardOptions.DefaultPort);
        try { probe.Start(); probe.Stop(); }
        catch (System.Net.Sockets.SocketException) { return; }
        using var run = HassProcess.Start(["run", HassCli.Campaign(dir, "bare", trials: HassCli.UnfinishedTrials, delayMs: 100), .. HassProcess.Common(store), "--dashboard"]);
        var url = run.WaitForDashboard(Long);
        Assert.Equal(new Uri($"http://127.0.0.1:{DashboardOptions.DefaultPort}/"), url);
        Assert.True(run.WaitForOutput("trial 1/", Long), run.Out + run.Err);
        using var http = new HttpClient { BaseAddress = url };
        Assert.Contains("\"bare\"", await http.GetStringAsync("api/v1/campaigns"));
        run.Interrupt();
        Assert.Equal(130, run.WaitForExit(Long));
    }
}
