using SkiaSharp;

namespace Hass.IntegrationTests;

/// <summary>
/// libtorch writes a warning to standard error for every convolution of a small batch (here the last 8 of 200 images; in a
/// campaign, the bias correction's 200 images) that it would hand to NNPACK where NNPACK cannot start (this project's
/// machines): 80 lines for this evaluation, thousands in a fmnist-mobilenet campaign, until hass turned NNPACK off.
/// </summary>
public class LibtorchWarningTests
{
    [Fact]
    public void Evaluating_a_mobilenet_writes_no_nnpack_warnings()
    {
        var dir = HassProcess.TempDir();
        File.Copy(Path.Combine(HassProcess.RepoRoot, "tests", "Hass.Models.Onnx.Tests", "Fixtures", "mobilenet-v3-small.onnx"), Path.Combine(dir, "net.onnx"));
        for (int i = 0; i < 208; i++)
            TestImages.Write(Path.Combine(dir, "data", i < 8 ? "train" : "val", $"c{i % 4}", $"{i}.png"), 40, 40, i, SKEncodedImageFormat.Png);
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), "model", "eval", "onnx:net.onnx", "--data", Path.Combine(dir, "data"), "--json");
        Assert.True(code == 0, stderr + stdout);
        Assert.DoesNotContain("NNPACK", stderr + stdout);
    }
}
