using System.Text.Json;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// `hass design --export fpgaconvnet DIR`: a network designed directly (no campaign) is written for fpgaConvNet by
/// the same code as `hass export` — the pruned ONNX (with --model) and the configuration, whose folding is the
/// printed design's; existing export files are kept unless --force.
/// </summary>
public class DesignExportTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);

    [Fact]
    public void A_pruned_imported_network_is_designed_and_exported_for_fpgaconvnet()
    {
        var dir = HassProcess.TempDir();
        File.Copy(Path.Combine(HassProcess.RepoRoot, "tests", "Hass.Models.Onnx.Tests", "Fixtures", "fmnist-onnx.onnx"), Path.Combine(dir, "net.onnx"));
        File.WriteAllText(Path.Combine(dir, "params.json"), """{ "w:features.4": 0.8, "w:features.8": 0.8 }""");
        string[] design = ["design", "--model", "onnx:net.onnx", "--board", "zedboard", "--params", "params.json", "--json", "--export", "fpgaconvnet", "out", "--store", Path.Combine(dir, "hass.db")];
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Timeout, design);
        output.WriteLine(stderr);
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("fpgaconvnet configuration " + Path.Combine("out", "net.fpgaconvnet.json") + ", network " + Path.Combine("out", "net.onnx"), stderr);
        Assert.True(new FileInfo(Path.Combine(dir, "out", "net.onnx")).Length > 10_000);
        using var printed = JsonDocument.Parse(stdout);
        var folding = printed.RootElement.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("layer").GetString()!, l => l);
        var configPath = Path.Combine(dir, "out", "net.fpgaconvnet.json");
        using (var config = JsonDocument.Parse(File.ReadAllText(configPath)))
        {
            var convs = config.RootElement.GetProperty("partition").EnumerateArray().SelectMany(p => p.GetProperty("layers").EnumerateArray())
                .Where(l => l.GetProperty("type").GetString()!.StartsWith("CONVOLUTION", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, convs.Count);
            foreach (var conv in convs)
            {
                var stored = folding[conv.GetProperty("name").GetString()!];
                Assert.Equal(stored.GetProperty("folding").GetProperty("coarseOut").GetInt32(), conv.GetProperty("parameters").GetProperty("coarse_out").GetInt32());
                Assert.Equal(stored.GetProperty("sparse").GetBoolean(), conv.GetProperty("type").GetString() == "CONVOLUTION_SPARSE");
            }
            Assert.Contains(convs, c => c.GetProperty("type").GetString() == "CONVOLUTION_SPARSE");   // the measured profile, not the dense default
        }

        var before = File.ReadAllBytes(configPath);
        var again = HassProcess.RunIn(dir, Timeout, design);
        Assert.Equal(ExitCodes.InvalidInput, again.ExitCode);
        Assert.StartsWith("error: ", again.Err);
        Assert.Contains("already exist; give --force", again.Err);
        Assert.Equal(before, File.ReadAllBytes(configPath));
        var forced = HassProcess.RunIn(dir, Timeout, [.. design, "--force"]);
        Assert.True(forced.ExitCode == ExitCodes.Success, forced.Err);
    }

    [Fact]
    public void Pruning_settings_give_the_network_a_campaign_with_bias_correction_would_design()
    {
        var dir = HassProcess.TempDir();
        File.WriteAllText(Path.Combine(dir, "params.json"), """{ "w:features.3": 1.0, "a:features.2": 0.3 }""");
        double Throughput(params string[] extra)
        {
            var (code, stdout, stderr) = HassProcess.RunIn(dir, Timeout, ["design", "--model", "fmnist-vgg", "--board", "zedboard", "--params", "params.json", "--json", .. extra]);
            Assert.True(code == ExitCodes.Success, stderr + stdout);
            using var design = JsonDocument.Parse(stdout);
            return design.RootElement.GetProperty("performance").GetProperty("throughputImagesPerSecond").GetDouble();
        }
        var plain = Throughput();
        var corrected = Throughput("--pruning-settings", """{"biasCorrection": true}""");
        Assert.Equal(plain, Throughput("--pruning-settings", """{"biasCorrection": false}"""));
        // The correction moves biases, so other activations fall below the thresholds: another profile, another design.
        Assert.NotEqual(plain, corrected);
    }

    [Fact]
    public void A_graph_file_exports_the_configuration_alone()
    {
        var dir = HassProcess.TempDir();
        var graph = HassProcess.RunIn(dir, Timeout, "graph", "fmnist-vgg", "--out", "g.json");
        Assert.True(graph.ExitCode == 0, graph.Err);
        var (code, stdout, stderr) = HassProcess.RunIn(dir, Timeout, "design", "--graph", "g.json", "--board", "zedboard", "--export", "FPGAConvNet", "cfg", "--store", Path.Combine(dir, "hass.db"));
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        Assert.Contains("no network: --graph has no weights", stdout);
        Assert.Equal(["fmnist-vgg.fpgaconvnet.json"], Directory.GetFiles(Path.Combine(dir, "cfg")).Select(Path.GetFileName));
    }

    [Fact]
    public void Hass_plugins_lists_the_shipped_exporters_with_their_plugin()
    {
        var (code, stdout, stderr) = HassProcess.Run(Timeout, "plugins", "--json");
        Assert.True(code == ExitCodes.Success, stderr + stdout);
        using var listing = JsonDocument.Parse(stdout);
        var exporters = listing.RootElement.GetProperty("components").EnumerateArray()
            .Select(c => (Kind: c.GetProperty("kind").GetString(), Name: c.GetProperty("name").GetString(), Plugin: c.GetProperty("plugin").GetString()))
            .Where(c => c.Kind!.EndsWith("exporter", StringComparison.Ordinal)).ToList();
        Assert.Equal([("designexporter", "fpgaconvnet", "Hass.Models.Onnx"), ("networkexporter", "onnx", "Hass.Models.Onnx")], exporters);
    }

    /// <summary>
    /// A lab's own hardware generator: a plugin's design exporter ('layers', the Exporter test plugin) is listed, used by
    /// `hass export --format`, and offered when a format is unknown.
    /// </summary>
    [Fact]
    public void A_plugins_design_exporter_writes_a_campaign_trials_design_next_to_its_pruned_network()
    {
        var dir = HassProcess.TempDir();
        var campaign = Path.Combine(dir, "campaign.json");
        File.WriteAllText(campaign, File.ReadAllText(HassProcess.SyntheticCampaign).Replace("\"trials\": 20", "\"trials\": 2"));
        var store = Path.Combine(dir, "hass.db");
        var run = HassProcess.RunIn(dir, Timeout, ["run", campaign, .. HassProcess.Common(store)]);
        Assert.True(run.ExitCode == ExitCodes.Success, run.Err + run.Out);
        string[] plugins = [.. HassProcess.Common(store), "--plugins", RepoPaths.TestPlugin("Exporter"), "--plugins", OnnxPlugin];

        var listed = HassProcess.RunIn(dir, Timeout, ["plugins", .. plugins]);
        Assert.Matches(@"designexporter\s*│\s*layers\s*│\s*Hass\.TestPlugins\.Exporter", listed.Out);

        var export = HassProcess.RunIn(dir, Timeout, ["export", "synthetic", "--trial", "1", "--format", "layers", "--out", "gen", .. plugins]);
        Assert.True(export.ExitCode == ExitCodes.Success, export.Err + export.Out);
        Assert.Contains($"pruned network {Path.Combine("gen", "synthetic-trial1.onnx")}, layers configuration {Path.Combine("gen", "synthetic-trial1.layers.json")}", export.Out);
        Assert.Equal(["synthetic-trial1.layers.json", "synthetic-trial1.onnx"], Directory.GetFiles(Path.Combine(dir, "gen")).Select(Path.GetFileName).Order());
        using var written = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "gen", "synthetic-trial1.layers.json")));
        Assert.Equal("synthetic-trial1.onnx", written.RootElement.GetProperty("network").GetString());
        Assert.Equal("toy-board", written.RootElement.GetProperty("board").GetString());
        Assert.NotEmpty(written.RootElement.GetProperty("layers").EnumerateArray());

        var unknown = HassProcess.RunIn(dir, Timeout, ["export", "synthetic", "--trial", "1", "--format", "finn", "--out", "finn", .. plugins]);
        Assert.Equal(ExitCodes.InvalidInput, unknown.ExitCode);
        Assert.Equal("error: --format: no loaded plugin exports designs as 'finn'; loaded design exporters: 'fpgaconvnet', 'layers'; see 'hass plugins'", unknown.Err.Trim());
        Assert.False(Directory.Exists(Path.Combine(dir, "finn")));
    }

    private static readonly string OnnxPlugin = Path.Combine(Path.GetDirectoryName(HassProcess.HassDll)!, "plugins", "Hass.Models.Onnx");
}
