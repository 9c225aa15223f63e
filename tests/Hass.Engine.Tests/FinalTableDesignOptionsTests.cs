using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Testing;

namespace Hass.Engine.Tests;

public class FinalTableDesignOptionsTests
{
    [Fact]
    public async Task Every_row_of_the_final_table_is_designed_with_the_campaigns_seed()
    {
        var campaignBackend = new RecordingBackend(_ => 1000);
        var nonDataflow = new RecordingBackend(_ => 500, NonDataflowRow.Backend);
        var json = File.ReadAllText(TestEnvironment.SyntheticCampaign).Replace("\"name\": \"toy\"", "\"name\": \"recording\"");
        var spec = CampaignLoader.Parse(json, "synthetic.json", new CampaignOverrides { Trials = 6 });
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, campaignBackend)
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, nonDataflow));
        using var _ = provider;
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));

        var result = await new CampaignSearch(spec, "synthetic.json", store, components, TestEnvironment.Boards()).RunAsync(default);

        Assert.Equal(CampaignStatus.Complete, result.Status);
        var final = FinalPhase.Build(spec, store, components, TestEnvironment.Boards(), _ => { }, _ => { }, default);
        Assert.Contains(final.Rows, r => r.Label == NonDataflowRow.Label);
        Assert.NotEmpty(nonDataflow.Calls);
        Assert.All(campaignBackend.Calls.Concat(nonDataflow.Calls), call => Assert.Equal(spec.Seed, call.Options.Seed));
    }
}
