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
        {
            var folder = Path.Combine(dir, "data", i < 8 ? "train" : "val", $"c{i % 4}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, $"{i}.png"), Image(40, 40, i));
        }
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), "model", "eval", "onnx:net.onnx", "--data", Path.Combine(dir, "data"), "--json");
        Assert.True(code == 0, stderr + stdout);
        Assert.DoesNotContain("NNPACK", stderr + stdout);
    }

    private static byte[] Image(int width, int height, int seed)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < width * height; p++)
            (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2], pixels[4 * p + 3]) = ((byte)(p % width * (seed + 1)), (byte)(p / width * 3 + seed), (byte)(p * 7 % 251), 255);
        using var encoded = bitmap.Encode(SKEncodedImageFormat.Png, 100);
        return encoded.ToArray();
    }
}
