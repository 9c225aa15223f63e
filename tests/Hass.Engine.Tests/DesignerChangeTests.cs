using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Testing;

namespace Hass.Engine.Tests;

/// <summary>A campaign resumed after its backend's version or its board's figures changed is refused, before anything is stored.</summary>
public class DesignerChangeTests
{
    private static readonly string Json = File.ReadAllText(TestEnvironment.SyntheticCampaign).Replace("\"name\": \"toy\"", "\"name\": \"recording\"");

    private static async Task<CampaignResult> Run(string store, int trials, string backendVersion = "1", BoardLibrary? boards = null)
    {
        var spec = CampaignLoader.Parse(Json, "synthetic.json", new CampaignOverrides { Trials = trials });
        var (provider, components) = TestEnvironment.SyntheticComponents(s =>
            s.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new RecordingBackend(b => b.Dsp * 10.0, version: backendVersion)));
        using var _ = provider;
        using var db = HassStore.Open(store);
        return await new CampaignSearch(spec, "synthetic.json", db, components, boards ?? TestEnvironment.Boards()).RunAsync(default);
    }

    private static BoardLibrary BoardsWith(Func<string, string> edit)
    {
        var folder = TestEnvironment.TempDir();
        var file = Path.Combine(TestEnvironment.FixtureBoards, "toy-board.json");
        File.WriteAllText(Path.Combine(folder, "toy-board.json"), edit(File.ReadAllText(file)));
        var boards = new BoardLibrary();
        boards.AddFolder(folder);
        return boards;
    }

    private static (string Campaign, string Trials) Snapshot(string store)
    {
        using var db = HassStore.Open(store);
        var campaign = db.GetCampaign("synthetic")!;
        return (HassJson.Serialize(campaign with { UpdatedAt = default }), HassJson.Serialize(db.Trials("synthetic")));
    }

    /// <summary>A 3-trial campaign, then <paramref name="resume"/> on its store: refused, the store as it was; returns the message.</summary>
    private static async Task<string> RefusedResume(Func<string, Task> resume)
    {
        var store = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(store, 3);
        var before = Snapshot(store);
        var e = await Assert.ThrowsAsync<CampaignException>(() => resume(store));
        Assert.Equal(before, Snapshot(store));
        return e.Message;
    }

    [Fact]
    public async Task A_new_backend_version_refuses_the_resume_naming_both_versions_and_stores_nothing()
    {
        var message = await RefusedResume(store => Run(store, 6, backendVersion: "2"));
        Assert.Contains("backend: 'recording' is version 2 now, version 1 when the campaign was started; campaign 'synthetic' holds 3 designs made before", message);
        Assert.Contains("start a new campaign from the same file with --name", message);
    }

    [Fact]
    public async Task Changed_board_figures_refuse_the_resume_naming_each_figure()
    {
        var message = await RefusedResume(store => Run(store, 6, boards: BoardsWith(j => j.Replace("\"dsp\": 220", "\"dsp\": 240").Replace("\"clockMhz\": 100", "\"clockMhz\": 125"))));
        Assert.Contains("board: 'toy-board' has other figures now (clockMhz: 100 → 125, dsp: 220 → 240)", message);
    }

    [Fact]
    public async Task The_same_backend_and_board_resume_and_a_new_description_or_link_does_not_matter()
    {
        var store = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(store, 3);
        var result = await Run(store, 6, boards: BoardsWith(j => j.Replace("Test fixture board", "Re-described board").Replace("tcp:127.0.0.1:0", "tcp:10.0.0.2:7000")));
        Assert.Equal(CampaignStatus.Complete, result.Status);
        Assert.Equal(3, result.TrialsRun);
    }

    [Fact]
    public async Task A_campaign_stored_before_the_designer_was_kept_resumes_and_keeps_it_from_then_on()
    {
        var store = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        await Run(store, 3);
        using (var db = HassStore.Open(store)) db.SaveCampaign(db.GetCampaign("synthetic")! with { Designer = null });

        var result = await Run(store, 6, backendVersion: "2");

        Assert.Equal(CampaignStatus.Complete, result.Status);
        using var reopened = HassStore.Open(store);
        Assert.Equal("2", reopened.GetCampaign("synthetic")!.Designer!.BackendVersion);
    }

    [Fact]
    public void Many_changed_figures_are_listed_up_to_four()
    {
        var board = TestEnvironment.Boards().Get("toy-board");
        var backend = new RecordingBackend(_ => 1);
        var before = DesignerIdentity.Of(backend, board);
        var after = DesignerIdentity.Of(backend, board with { Dsp = 1, Lut = 2, Ff = 3, Bram18 = 4, ClockMhz = 5, Uram = 6 });
        var line = Assert.Single(before.Differences(after));
        Assert.EndsWith("(bram18: 280 → 4, clockMhz: 100 → 5, dsp: 220 → 1, ff: 106400 → 3 and 2 more)", line);
        Assert.Empty(before.Differences(before with { }));
    }
}
