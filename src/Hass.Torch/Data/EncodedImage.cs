using System.Runtime.InteropServices;
using SkiaSharp;

namespace Hass.Torch.Data;

/// <summary>
/// Decoder of the compressed image files an image folder may hold (JPEG, PNG, WebP, BMP, GIF: whatever Skia reads), to
/// 8-bit pixels row by row (H×W×C): one channel for a grayscale file, else three (RGB; alpha dropped). EXIF orientation
/// is ignored, as PIL's loader in TorchVision ignores it.
/// </summary>
public static class EncodedImage
{
    /// <summary>Larger images are refused before their pixels are allocated: a decoded 100-megapixel image takes 400 MB.</summary>
    public const long MaxPixels = 100_000_000;

    public static readonly string[] Extensions = [".jpg", ".jpeg", ".png", ".webp", ".bmp", ".gif"];

    public static (int Channels, int Width, int Height, byte[] Pixels) Decode(byte[] data, string name)
    {
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var opened)
            ?? throw Undecodable(name, opened);
        var (width, height) = (codec.Info.Width, codec.Info.Height);
        if ((long)width * height > MaxPixels)
            throw new DatasetException($"image '{name}' is {width}×{height} pixels, over the {MaxPixels / 1_000_000} megapixels an image folder's image may have; scale it down first");
        bool gray = codec.Info.ColorType == SKColorType.Gray8;
        var info = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
        var decoded = new byte[info.BytesSize64];
        var pinned = GCHandle.Alloc(decoded, GCHandleType.Pinned);
        SKCodecResult result;
        try { result = codec.GetPixels(info, pinned.AddrOfPinnedObject()); }
        finally { pinned.Free(); }
        if (result != SKCodecResult.Success) throw Undecodable(name, result);
        return gray ? (1, width, height, decoded) : (3, width, height, WithoutAlpha(decoded));
    }

    private static byte[] WithoutAlpha(byte[] rgba)
    {
        var rgb = new byte[rgba.Length / 4 * 3];
        for (int i = 0, o = 0; i < rgba.Length; i += 4, o += 3)
        {
            rgb[o] = rgba[i];
            rgb[o + 1] = rgba[i + 1];
            rgb[o + 2] = rgba[i + 2];
        }
        return rgb;
    }

    private static DatasetException Undecodable(string name, SKCodecResult result) => new(result == SKCodecResult.IncompleteInput
        ? $"image '{name}' cannot be decoded: the file is truncated"
        : $"image '{name}' cannot be decoded ({result}): it is not a JPEG, PNG, WebP, BMP or GIF file, or it is damaged");
}
