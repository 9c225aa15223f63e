using Hass.Abstractions;

namespace Hass.Torch.Data;

/// <summary>
/// ImageNet-style folder: one sub-folder per class (sorted by name = class index), images inside. Images are
/// decoded on demand, resized and centre-cropped to the model's input shape as TorchVision does it (<see cref="ResizeCrop"/>).
/// Supported: JPEG, PNG, WebP, BMP and GIF (<see cref="EncodedImage"/>), binary PGM/PPM (P5/P6, 8-bit) and raw .u8 files
/// already of the input shape (C×H×W bytes). A gray image feeds every channel of a colour network; a colour image feeds a
/// one-channel network its luma (0.299 R + 0.587 G + 0.114 B, as Pillow's convert("L")).
/// </summary>
public sealed class ImageFolderSource : ImageSource
{
    private static readonly string[] NetpbmExtensions = [".ppm", ".pgm", ".pnm"];
    private static readonly string[] Extensions = [.. NetpbmExtensions, ".u8", .. EncodedImage.Extensions];
    private readonly List<(string Path, int Label)> _items = [];

    private readonly int? _resize;

    public ImageFolderSource(string folder, TensorShape shape, IReadOnlyList<string>? classNames = null, int? resize = null)
    {
        _resize = resize;
        if (!Directory.Exists(folder)) throw new DatasetException($"image folder '{folder}' does not exist");
        Name = folder;
        Shape = shape;
        ClassNames = classNames ?? Directory.GetDirectories(folder).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();
        if (ClassNames.Count == 0) throw new DatasetException($"image folder '{folder}' has no class sub-folders (expected {folder}/<class>/<image>.ppm)");
        for (int label = 0; label < ClassNames.Count; label++)
        {
            var dir = Path.Combine(folder, ClassNames[label]);
            if (!Directory.Exists(dir)) continue;
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
                if (Extensions.Contains(Path.GetExtension(file).ToLowerInvariant())) _items.Add((file, label));
        }
        if (_items.Count == 0)
            throw new DatasetException($"image folder '{folder}' has no supported images ({string.Join(", ", Extensions)}); convert other formats to PNG first");
    }

    public IReadOnlyList<string> ClassNames { get; }
    public override string Name { get; }
    public override int Count => _items.Count;
    public override TensorShape Shape { get; }
    public override int Classes => ClassNames.Count;
    public override int Label(int index) => _items[index].Label;

    public override void ReadPixels(int index, Span<byte> destination)
    {
        var path = _items[index].Path;
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DatasetException($"image '{path}' cannot be read: {e.Message}");
        }
        var extension = Path.GetExtension(path).ToLowerInvariant();
        if (extension == ".u8")
        {
            if (bytes.Length != Shape.Elements) throw new DatasetException($"raw image '{path}' has {bytes.Length} bytes; {Shape} needs {Shape.Elements}");
            bytes.CopyTo(destination);
            return;
        }
        var (channels, width, height, pixels) = NetpbmExtensions.Contains(extension)
            ? Netpbm.Decode(bytes, path)
            : EncodedImage.Decode(bytes, path);
        ResizeCrop(pixels, channels, height, width, destination);
    }

    /// <summary>
    /// TorchVision's evaluation transform: with a preprocessing resize N, Resize(N) (the shorter side to N, the longer to
    /// ⌊N · long / short⌋) then CenterCrop to the input; without one, the smallest such resize that covers the input.
    /// Resizing is Pillow's bilinear (<see cref="BilinearResize"/>); a colour image on a one-channel network is first
    /// turned into its luma, as Pillow's <c>convert("L")</c>.
    /// </summary>
    private void ResizeCrop(byte[] hwc, int channels, int height, int width, Span<byte> chw)
    {
        if (Shape.Channels == 1 && channels == 3) (hwc, channels) = (Luma(hwc), 1);
        var (newHeight, newWidth) = ResizedSize(height, width);
        if ((newHeight, newWidth) != (height, width)) hwc = BilinearResize.Resize(hwc, channels, height, width, newHeight, newWidth);
        int top = (int)Math.Round((newHeight - Shape.Rows) / 2.0), left = (int)Math.Round((newWidth - Shape.Cols) / 2.0);
        for (int c = 0; c < Shape.Channels; c++)
        {
            int sourceChannel = Math.Min(c, channels - 1);
            for (int r = 0; r < Shape.Rows; r++)
                for (int q = 0; q < Shape.Cols; q++)
                    chw[(c * Shape.Rows + r) * Shape.Cols + q] = hwc[((top + r) * newWidth + left + q) * channels + sourceChannel];
        }
    }

    private (int Height, int Width) ResizedSize(int height, int width)
    {
        if (_resize is { } shorter)
            return height <= width ? (shorter, (int)((long)shorter * width / height)) : ((int)((long)shorter * height / width), shorter);
        if (height == Shape.Rows && width == Shape.Cols) return (height, width);
        double scale = Math.Max((double)Shape.Rows / height, (double)Shape.Cols / width);
        return (Math.Max(Shape.Rows, (int)(height * scale)), Math.Max(Shape.Cols, (int)(width * scale)));
    }

    private static byte[] Luma(byte[] rgb)
    {
        var gray = new byte[rgb.Length / 3];
        for (int i = 0; i < gray.Length; i++)
            gray[i] = (byte)((rgb[3 * i] * 19595 + rgb[3 * i + 1] * 38470 + rgb[3 * i + 2] * 7471 + 0x8000) >> 16);
        return gray;
    }
}

/// <summary>Decoder of binary 8-bit PGM (P5) and PPM (P6) images.</summary>
public static class Netpbm
{
    public static (int Channels, int Width, int Height, byte[] Pixels) Decode(byte[] data, string name)
    {
        int pos = 0;
        string Token()
        {
            while (pos < data.Length)
            {
                if (data[pos] == '#') { while (pos < data.Length && data[pos] != '\n') pos++; }
                else if (char.IsWhiteSpace((char)data[pos])) pos++;
                else break;
            }
            int start = pos;
            while (pos < data.Length && !char.IsWhiteSpace((char)data[pos])) pos++;
            return System.Text.Encoding.ASCII.GetString(data, start, pos - start);
        }
        var magic = Token();
        int channels = magic switch { "P5" => 1, "P6" => 3, _ => throw new DatasetException($"image '{name}' is not a binary PGM/PPM (magic '{magic}')") };
        if (!int.TryParse(Token(), out var width) || !int.TryParse(Token(), out var height) || !int.TryParse(Token(), out var max) || width <= 0 || height <= 0)
            throw new DatasetException($"image '{name}' has a corrupt PGM/PPM header");
        if (max != 255) throw new DatasetException($"image '{name}' has maxval {max}; only 8-bit (255) images are supported");
        pos++; // the single whitespace after maxval
        long needed = (long)width * height * channels;
        if (data.Length - pos < needed) throw new DatasetException($"image '{name}' is truncated: {needed} pixel bytes expected, {data.Length - pos} found");
        return (channels, width, height, data.AsSpan(pos, (int)needed).ToArray());
    }
}
