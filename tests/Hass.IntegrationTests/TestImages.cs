using SkiaSharp;

namespace Hass.IntegrationTests;

/// <summary>Encoded image files for image-folder datasets: a seeded pattern, whatever the format.</summary>
internal static class TestImages
{
    /// <summary>Writes a width×height image of pattern <paramref name="seed"/> to <paramref name="path"/>, creating its folder.</summary>
    public static void Write(string path, int width, int height, int seed, SKEncodedImageFormat format)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        for (int p = 0; p < width * height; p++)
            (pixels[4 * p], pixels[4 * p + 1], pixels[4 * p + 2], pixels[4 * p + 3]) = ((byte)(p % width * (seed + 1)), (byte)(p / width * 3 + seed), (byte)(p * 7 % 251), 255);
        using var encoded = bitmap.Encode(format, format == SKEncodedImageFormat.Png ? 100 : 90);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, encoded.ToArray());
    }
}
