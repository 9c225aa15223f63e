using System.Text.Json;

namespace Hass.IntegrationTests;

/// <summary>
/// An 8-bit campaign (quantisation section) end to end: search, final table, stored designs costed at 8 bits, and
/// the export of a trial as a pruned ONNX plus an fpgaConvNet configuration with 8-bit types.
/// </summary>
public class QuantisedCampaignTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Eight_bit_campaign_runs_end_to_end_and_exports_8_bit_types()
    {
        var dir = HassProcess.TempDir();
        var campaign = RealCampaignTests.Campaign(dir, "q8", extra: """, "quantisation": { "activationBits": 8, "weightBits": 8 }""");
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(8), "run", campaign, "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("campaign 'q8' complete: trial budget reached (4)", stdout);
        Assert.Contains("final (test set: 1000 images, confirmation split: 500 images)", stdout);

        var trials = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "trials", "q8", "--store", store, "--json");
        Assert.True(trials.ExitCode == 0, trials.Err);
        using var json = JsonDocument.Parse(trials.Out);
        var complete = json.RootElement.EnumerateArray().Where(t => t.GetProperty("state").GetString() == "complete").ToList();
        Assert.NotEmpty(complete);
        Assert.All(complete, t => Assert.Equal(8, t.GetProperty("design").GetProperty("dataBits").GetInt32()));

        int number = complete[0].GetProperty("number").GetInt32();
        var exported = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "export", "q8", "--trial", $"{number}", "--out", "exp", "--store", store);
        Assert.True(exported.ExitCode == 0, exported.Err + exported.Out);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "exp", $"q8-trial{number}.fpgaconvnet.json")));
        var convs = config.RootElement.GetProperty("partition").EnumerateArray().SelectMany(p => p.GetProperty("layers").EnumerateArray())
            .Where(l => l.GetProperty("type").GetString()!.StartsWith("CONVOLUTION", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(convs);
        foreach (var conv in convs)
        {
            var p = conv.GetProperty("parameters");
            Assert.Equal(8, p.GetProperty("data_t").GetProperty("width").GetInt32());
            Assert.Equal(8, p.GetProperty("weight_t").GetProperty("width").GetInt32());
        }
    }
}
