using System.Text.Json;

namespace Hass.IntegrationTests;

/// <summary>A short real campaign on a network imported from ONNX (trained in PyTorch, Fixtures of Hass.Models.Onnx.Tests).</summary>
public class OnnxCampaignTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Campaign_runs_on_an_imported_onnx_network()
    {
        var dir = HassProcess.TempDir();
        File.Copy(Path.Combine(HassProcess.RepoRoot, "tests", "Hass.Models.Onnx.Tests", "Fixtures", "fmnist-onnx.onnx"), Path.Combine(dir, "net.onnx"));
        var campaign = RealCampaignTests.Campaign(dir, "onnx", extra: """, "earlyStop": { "enabled": false }""", model: "onnx:net.onnx", confirmImages: null);
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(8), "run", campaign, "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("onnx:net.onnx: weights from " + Path.Combine(dir, "net.onnx"), stdout);
        Assert.Contains("campaign 'onnx' complete: trial budget reached (4)", stdout);
        Assert.Contains("final (test set: 1000 images)", stdout);   // no confirmation split: HASS did not train it, so only 2,000 images count as held out
        Assert.Contains("final: the evaluator has no confirmation split", stdout);
        var trials = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "trials", "onnx", "--store", store, "--json");
        Assert.True(trials.ExitCode == 0, trials.Err);
        using var json = JsonDocument.Parse(trials.Out);
        Assert.All(json.RootElement.EnumerateArray(), t => Assert.Equal("complete", t.GetProperty("state").GetString()));

        // The pruned network of trial 2 as ONNX (its equivalence under OnnxRuntime is checked in Hass.Models.Onnx.Tests).
        var pruned = Path.Combine(dir, "out", "pruned.onnx");
        var export = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "model", "export", "onnx", "--trial", "2", "--format", "onnx", "--out", pruned, "--store", store);
        Assert.True(export.ExitCode == 0, export.Err + export.Out);
        Assert.Contains("trial 2 of 'onnx' written as onnx to " + pruned, export.Out);
        Assert.True(new FileInfo(pruned).Length > 10_000);
        var unknown = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "model", "export", "onnx", "--trial", "2", "--format", "tflite", "--out", pruned + "2", "--store", store);
        Assert.Equal(2, unknown.ExitCode);
        Assert.Equal("error: --format: no loaded plugin exports networks as 'tflite'; loaded network exporters: 'onnx'; see 'hass plugins'", unknown.Err.Trim());
        Assert.False(File.Exists(pruned + "2"));

        // The design of trial 2 as an fpgaConvNet configuration next to its pruned network.
        var exported = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), "export", "onnx", "--trial", "2", "--out", Path.Combine(dir, "exp"), "--store", store);
        Assert.True(exported.ExitCode == 0, exported.Err + exported.Out);
        Assert.True(File.Exists(Path.Combine(dir, "exp", "onnx-trial2.onnx")));
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "exp", "onnx-trial2.fpgaconvnet.json")));
        var design = json.RootElement.EnumerateArray().Single(t => t.GetProperty("number").GetInt32() == 2).GetProperty("design");
        var folding = design.GetProperty("layers").EnumerateArray().ToDictionary(l => l.GetProperty("layer").GetString()!, l => l.GetProperty("folding"));
        var layers = config.RootElement.GetProperty("partition").EnumerateArray().SelectMany(p => p.GetProperty("layers").EnumerateArray()).ToList();
        var convs = layers.Where(l => l.GetProperty("type").GetString()!.StartsWith("CONVOLUTION", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, convs.Count);
        foreach (var conv in convs)
        {
            var p = conv.GetProperty("parameters");
            var f = folding[conv.GetProperty("name").GetString()!];
            Assert.Equal(f.GetProperty("coarseIn").GetInt32(), p.GetProperty("coarse_in").GetInt32());
            Assert.Equal(f.GetProperty("coarseOut").GetInt32(), p.GetProperty("coarse_out").GetInt32());
            Assert.Equal(f.GetProperty("fine").GetInt32(), p.GetProperty("fine").GetInt32());
            Assert.Equal(16, p.GetProperty("data_t").GetProperty("width").GetInt32());
            if (conv.GetProperty("type").GetString() == "CONVOLUTION_SPARSE")
                Assert.Equal(p.GetProperty("channels_in").GetInt32() * (p.GetProperty("kernel_rows").GetInt32() * p.GetProperty("kernel_cols").GetInt32() + 1), p.GetProperty("sparsity").GetArrayLength());
        }
        Assert.Equal(design.GetProperty("partitions").GetArrayLength(), config.RootElement.GetProperty("partition").GetArrayLength());
    }

    /// <summary>`hass model eval --preprocess`: the network trained on (x/255 − 0.5) / 0.25 gets its PyTorch top-1 only with that preprocessing.</summary>
    [Fact]
    public void Model_eval_takes_the_preprocessing_the_network_was_trained_with()
    {
        var dir = HassProcess.TempDir();
        var fixtures = Path.Combine(HassProcess.RepoRoot, "tests", "Hass.Models.Onnx.Tests", "Fixtures");
        File.Copy(Path.Combine(fixtures, "fmnist-norm.onnx"), Path.Combine(dir, "net.onnx"));
        using var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(fixtures, "fmnist-norm.json")));
        double pyTorch = meta.RootElement.GetProperty("testTop1").GetDouble();
        double Top1(params string[] extra)
        {
            var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), ["model", "eval", "onnx:net.onnx", "--json", .. extra]);
            Assert.True(code == 0, stderr + stdout);
            using var json = JsonDocument.Parse(stdout);
            return json.RootElement.GetProperty("top1").GetDouble();
        }
        Assert.InRange(Top1("--preprocess", "mean=0.5,std=0.25"), pyTorch - 0.05, pyTorch + 0.05);
        var zooDefault = Top1();
        output.WriteLine($"PyTorch {pyTorch:F2}, zoo default preprocessing {zooDefault:F2}");
        Assert.True(zooDefault < pyTorch - 2, $"zoo default {zooDefault:F2}");
    }
}
