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
        var campaign = Path.Combine(dir, "onnx.json");
        File.WriteAllText(campaign, """
        {
          "name": "onnx",
          "model": "onnx:net.onnx",
          "dataset": { "name": "fashion-mnist", "searchImages": 400, "calibrationImages": 32, "testImages": 1000 },
          "pruning": { "name": "threshold" },
          "backend": { "name": "dataflow-sparse" },
          "board": "zedboard",
          "strategy": { "name": "tpe" },
          "objective": { "metric": "throughput", "toleranceTop1": 1.0 },
          "budget": { "trials": 3 },
          "earlyStop": { "enabled": false },
          "seed": 3,
          "final": { "uniformBaselineTrials": 2 }
        }
        """);
        var store = Path.Combine(dir, "hass.db");
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(8), "run", campaign, "--store", store);
        output.WriteLine(stdout);
        Assert.True(code == 0, stderr + stdout);
        Assert.Contains("onnx:net.onnx: weights from " + Path.Combine(dir, "net.onnx"), stdout);
        Assert.Contains("campaign 'onnx' complete: trial budget reached (3)", stdout);
        Assert.Contains("final (test set: 1000 images)", stdout);
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
        Assert.Contains("'tflite'", unknown.Err);
        Assert.False(File.Exists(pruned + "2"));
    }
}
