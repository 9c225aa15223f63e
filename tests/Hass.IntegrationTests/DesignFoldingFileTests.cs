using Hass.Abstractions;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>`hass design --folding` takes a folding file or a design, and a design gives itself again: its partitions and each layer's implementation too.</summary>
public class DesignFoldingFileTests
{
    private static readonly string[] ResNet18 = ["design", "--model", "resnet18", "--board", "zedboard", "--backend", "dataflow-sparse"];

    [Fact]
    public void A_design_given_as_the_folding_gives_the_same_design()
    {
        var dir = HassProcess.TempDir();
        var designPath = Path.Combine(dir, "design.json");
        var designed = Run(dir, [.. ResNet18, "--json"]);
        File.WriteAllText(designPath, designed.Stdout);
        var design = HassJson.Deserialize<HardwareDesign>(designed.Stdout);

        var again = HassJson.Deserialize<HardwareDesign>(Run(dir, [.. ResNet18, "--folding", designPath, "--json"]).Stdout);

        Assert.True(design.Partitions.Count > 1, $"{design.Partitions.Count} configurations");
        Assert.Equal(design.Performance.ThroughputImagesPerSecond, again.Performance.ThroughputImagesPerSecond, 1e-9 * design.Performance.ThroughputImagesPerSecond);
        Assert.Equal(design.Partitions.Select(p => p.Layers), again.Partitions.Select(p => p.Layers));
        Assert.Equal("evaluated a given folding (no search)", again.Notes[0]);
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public void A_folding_whose_partitions_are_not_in_order_is_refused_naming_the_layer_and_writes_nothing()
    {
        var dir = HassProcess.TempDir();
        var folding = Path.Combine(dir, "folding.json");
        File.WriteAllText(folding, """{ "layer1.0.conv1": { "partition": 1 }, "layer1.0.conv2": { "partition": 0 } }""");
        var before = Directory.GetFiles(dir);

        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), [.. ResNet18, "--folding", folding, "--store", Path.Combine(dir, "hass.db")]);

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("layer 'layer1.0.conv2' is in partition 0 after layer 'layer1.0.relu' in partition 1", stderr);
        Assert.DoesNotContain("   at ", stderr);
        Assert.Equal("", stdout);
        Assert.Equal(before, Directory.GetFiles(dir).Where(f => !f.EndsWith("hass.db")));
        Directory.Delete(dir, recursive: true);
    }

    private static (string Stdout, string Stderr) Run(string dir, string[] args)
    {
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), [.. args, "--store", Path.Combine(dir, "hass.db")]);
        Assert.True(code == ExitCodes.Success, $"hass {string.Join(' ', args)}: exit {code}: {stderr}");
        return (stdout, stderr);
    }
}
