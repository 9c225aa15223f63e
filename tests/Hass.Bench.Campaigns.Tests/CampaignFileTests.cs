using System.Text.Json.Nodes;
using Hass.Testing;

namespace Hass.Bench.Campaigns.Tests;

/// <summary>The campaign files the bench derives from the shipped default campaign.</summary>
public class CampaignFileTests
{
    private static readonly string Template = Path.Combine(RepoPaths.RepoRoot, "examples", "fmnist-hass.json");

    private static (JsonObject Root, int Trials) Write(string pipeline)
    {
        var folder = TestFolders.Create();
        var (path, trials) = CampaignFile.Write(Template, new RunKey("fmnist-vgg", "zc706", pipeline, 2), 150, folder);
        return (JsonNode.Parse(File.ReadAllText(path))!.AsObject(), trials);
    }

    [Fact]
    public void The_oracle_pipeline_is_the_default_pipeline_searching_and_picking_on_the_test_set_without_margins()
    {
        var (oracle, trials) = Write(CampaignFile.Oracle);
        Assert.Equal(134, trials);
        Assert.True(oracle["dataset"]!["searchOnTestSet"]!.GetValue<bool>());
        Assert.Equal(2000, oracle["dataset"]!["searchImages"]!.GetValue<int>());
        var final = oracle["final"]!;
        Assert.Equal(0, final["confirmTop"]!.GetValue<int>());
        Assert.False(final["confirmIncumbents"]!.GetValue<bool>());
        Assert.False(final["calibrateSearchDrop"]!.GetValue<bool>());
        Assert.Equal(0, final["pickMargin"]!.GetValue<double>());
        Assert.Equal(16, final["uniformBaselineTrials"]!.GetValue<int>());
        Assert.Equal("sensitivity", oracle["strategy"]!["name"]!.GetValue<string>());
        Assert.Equal(0, oracle["strategy"]!["settings"]!["localMargin"]!.GetValue<double>());
        Assert.Equal("zc706", oracle["board"]!.GetValue<string>());
        Assert.Equal(2, oracle["seed"]!.GetValue<int>());
    }

    [Fact]
    public void The_hass_pipeline_keeps_the_shipped_statistics()
    {
        var (hass, trials) = Write("hass");
        Assert.Equal(134, trials);
        Assert.Null(hass["dataset"]!["searchOnTestSet"]);
        Assert.Equal(8, hass["final"]!["confirmTop"]!.GetValue<int>());
        Assert.True(hass["final"]!["confirmIncumbents"]!.GetValue<bool>());
        Assert.Null(hass["strategy"]!["settings"]);
    }
}
