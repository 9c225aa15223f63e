using Hass.Engine.Storage;

namespace Hass.Dashboard.Tests;

/// <summary>
/// A store written by a real `hass run` of the synthetic campaign (done once per test class), and a dashboard
/// over it in this process on a free loopback port, reading the store read-only as `hass dashboard` does.
/// </summary>
public sealed class FinishedStore : IAsyncLifetime
{
    public const string Campaign = "finished";
    public const int Trials = 40;
    public string Path { get; private set; } = "";
    public HassStore Store { get; private set; } = null!;
    public Uri Url { get; private set; } = null!;
    private DashboardHostedService? _dashboard;

    public async Task InitializeAsync()
    {
        var dir = HassProcess.TempDir();
        Path = System.IO.Path.Combine(dir, "hass.db");
        var run = HassProcess.Run(TimeSpan.FromMinutes(3), ["run", HassCli.Campaign(dir, Campaign, Trials, delayMs: 0), .. HassProcess.Common(Path)]);
        Assert.True(run.ExitCode == 0, run.Out + run.Err);
        Store = HassStore.Open(Path, StoreAccess.Read);
        _dashboard = Start(Store);
        await _dashboard.StartAsync(CancellationToken.None);
        Url = _dashboard.Url!;
    }

    public static DashboardHostedService Start(HassStore store, bool allowRemote = false) => new(new DashboardOptions
    {
        Store = store, Address = new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0), AllowRemote = allowRemote,
        Boards = name => name == "toy-board"
            ? Abstractions.HassJson.ReadFile<Abstractions.BoardSpec>(System.IO.Path.Combine(HassProcess.FixtureBoards, "toy-board.json"))
            : null,
    });

    public async Task DisposeAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.StopAsync(CancellationToken.None);
            await _dashboard.DisposeAsync();
        }
        Store.Dispose();
    }
}
