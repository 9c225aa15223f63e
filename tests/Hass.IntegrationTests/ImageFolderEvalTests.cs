using System.Text.Json;
using SkiaSharp;

namespace Hass.IntegrationTests;

/// <summary>An ImageNet-style folder of JPEG and PNG files, as users keep ImageNet, read by `hass model eval` of an imported network.</summary>
public class ImageFolderEvalTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void Model_eval_reads_jpeg_and_png_images_and_refuses_a_damaged_one_by_name()
    {
        var dir = HassProcess.TempDir();
        File.Copy(Path.Combine(HassProcess.RepoRoot, "tests", "Hass.Models.Onnx.Tests", "Fixtures", "mobilenet-v3-small.onnx"), Path.Combine(dir, "net.onnx"));
        var data = Path.Combine(dir, "data");
        foreach (var split in new[] { "train", "val" })
            foreach (var (label, seed) in new[] { ("n01440764", 1), ("n01443537", 2) })
            {
                TestImages.Write(Path.Combine(data, split, label, "a.JPEG"), 300, 250, seed, SKEncodedImageFormat.Jpeg);
                TestImages.Write(Path.Combine(data, split, label, "b.png"), 240, 320, seed + 10, SKEncodedImageFormat.Png);
            }

        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), "model", "eval", "onnx:net.onnx", "--data", data, "--preprocess", "resize=256", "--json");
        output.WriteLine(stdout + stderr);
        Assert.True(code == 0, stderr + stdout);
        using (var json = JsonDocument.Parse(stdout))
            Assert.Equal(4, json.RootElement.GetProperty("images").GetInt32());

        var damaged = Path.Combine(data, "val", "n01443537", "c.jpg");
        File.WriteAllBytes(damaged, [0xFF, 0xD8, 0xFF, 0xE0, 0x00]);
        var refused = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), "model", "eval", "onnx:net.onnx", "--data", data, "--json");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains($"image '{damaged}' cannot be decoded", refused.Err);
        Assert.DoesNotContain("   at ", refused.Err);
    }
}
