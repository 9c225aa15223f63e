using Hass.Abstractions;
using Hass.Torch.Data;
using SkiaSharp;

namespace Hass.Torch.Tests;

/// <summary>Image folders of JPEG and PNG files (decoded by Skia), next to the PPM/PGM files they held before.</summary>
public sealed class ImageFolderFormatsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hass-images-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_png_gives_the_pixels_of_the_ppm_of_the_same_image()
    {
        var rgb = Enumerable.Range(0, 7 * 5 * 3).Select(i => (byte)(i * 37 % 251)).ToArray();
        Write("cat", "a.ppm", Ppm(7, 5, rgb));
        Write("cat", "b.png", Encode(7, 5, rgb, SKEncodedImageFormat.Png, 100));
        var source = Open(new TensorShape(3, 4, 4));
        Assert.Equal(2, source.Count);
        Assert.Equal(Pixels(source, 0), Pixels(source, 1));
    }

    /// <summary>TorchVision's Resize(N) and CenterCrop(S) on the same PNG files, computed by Fixtures/resize/generate.py (Pillow 9.4).</summary>
    [Theory]
    [InlineData("colour.png", 3, 24, 32, "colour-resize32-crop24.u8")]
    [InlineData("colour.png", 1, 24, 32, "colour-gray-resize32-crop24.u8")]
    [InlineData("colour.png", 3, 28, null, "colour-crop28.u8")]
    [InlineData("small.png", 3, 16, 20, "small-resize20-crop16.u8")]
    public void Resizing_and_cropping_give_torchvisions_pixels(string image, int channels, int crop, int? resize, string expected)
    {
        var fixtures = Path.Combine(Hass.Testing.RepoPaths.RepoRoot, "tests", "Hass.Torch.Tests", "Fixtures", "resize");
        Write("only", image, File.ReadAllBytes(Path.Combine(fixtures, image)));
        var source = Datasets.Open("imagefolder", _dir, new TensorShape(channels, crop, crop), resize).Train;
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixtures, expected)), Pixels(source, 0));
    }

    /// <summary>The same JPEG decoded by Skia here and by Pillow 9.4 (both libjpeg-turbo), whole and through TorchVision's transform.</summary>
    [Theory]
    [InlineData(47, 61, null, "colour-jpeg-decoded.u8")]
    [InlineData(24, 24, 32, "colour-jpeg-resize32-crop24.u8")]
    public void A_jpeg_gives_pillows_pixels(int rows, int cols, int? resize, string expected)
    {
        var fixtures = Path.Combine(Hass.Testing.RepoPaths.RepoRoot, "tests", "Hass.Torch.Tests", "Fixtures", "resize");
        Write("only", "colour.jpg", File.ReadAllBytes(Path.Combine(fixtures, "colour.jpg")));
        var pixels = Pixels(Datasets.Open("imagefolder", _dir, new TensorShape(3, rows, cols), resize).Train, 0);
        Assert.Equal(File.ReadAllBytes(Path.Combine(fixtures, expected)), pixels);
    }

    [Fact]
    public void A_jpeg_decodes_close_to_the_pixels_it_was_made_from()
    {
        var rgb = new byte[16 * 16 * 3];
        for (int r = 0; r < 16; r++)
            for (int c = 0; c < 16; c++)
                (rgb[(r * 16 + c) * 3], rgb[(r * 16 + c) * 3 + 1], rgb[(r * 16 + c) * 3 + 2]) = ((byte)(r * 16), (byte)(c * 16), 128);
        Write("cat", "a.ppm", Ppm(16, 16, rgb));
        Write("cat", "b.jpg", Encode(16, 16, rgb, SKEncodedImageFormat.Jpeg, 95));
        var source = Open(new TensorShape(3, 16, 16));
        var exact = Pixels(source, 0);
        var jpeg = Pixels(source, 1);
        Assert.True(exact.Zip(jpeg, (a, b) => Math.Abs(a - b)).Average() < 3, "the JPEG's pixels are far from the image's");
    }

    [Fact]
    public void A_gray_png_feeds_every_channel_and_a_colour_image_feeds_a_gray_network_its_luma()
    {
        var gray = new byte[] { 0, 50, 100, 150 };
        Write("gray", "a.png", Encode(2, 2, gray, SKEncodedImageFormat.Png, 100, SKColorType.Gray8));
        Assert.Equal([.. gray, .. gray, .. gray], Pixels(Open(new TensorShape(3, 2, 2)), 0));

        Directory.Delete(Path.Combine(_dir, "train", "gray"), recursive: true);
        byte[] redGreenBlueWhite = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255];
        Write("colour", "a.ppm", Ppm(2, 2, redGreenBlueWhite));
        Write("colour", "b.png", Encode(2, 2, redGreenBlueWhite, SKEncodedImageFormat.Png, 100));
        var source = Open(new TensorShape(1, 2, 2));
        Assert.Equal([76, 150, 29, 255], Pixels(source, 0));
        Assert.Equal([76, 150, 29, 255], Pixels(source, 1));
    }

    [Fact]
    public void A_damaged_truncated_or_huge_image_is_refused_naming_the_file()
    {
        var png = Encode(64, 64, Enumerable.Range(0, 64 * 64 * 3).Select(i => (byte)(i * 7919 % 256 ^ i / 3)).ToArray(), SKEncodedImageFormat.Png, 100);
        Write("cat", "a.jpg", [0xFF, 0xD8, 0x00, 0x01, 0x02]);
        Write("cat", "b.png", png[..(png.Length / 2)]);
        Write("cat", "c.bmp", Bmp(20_000, 10_000));
        var source = Open(new TensorShape(3, 4, 4));
        var buffer = new byte[3 * 4 * 4];
        var damaged = Assert.Throws<DatasetException>(() => source.ReadPixels(0, buffer)).Message;
        Assert.Contains(Path.Combine(_dir, "train", "cat", "a.jpg"), damaged);
        Assert.Contains("cannot be decoded", damaged);
        var truncated = Assert.Throws<DatasetException>(() => source.ReadPixels(1, buffer)).Message;
        Assert.Contains("b.png' cannot be decoded: the file is truncated", truncated);
        var huge = Assert.Throws<DatasetException>(() => source.ReadPixels(2, buffer)).Message;
        Assert.Contains("c.bmp' is 20000×10000 pixels, over the 100 megapixels", huge);
    }

    [Fact]
    public void A_folder_without_any_supported_image_names_the_formats()
    {
        Write("cat", "a.tiff", [1, 2, 3]);
        var message = Assert.Throws<DatasetException>(() => Open(new TensorShape(3, 2, 2))).Message;
        Assert.Contains(".jpg, .jpeg, .png", message);
    }

    private ImageSource Open(TensorShape shape) => Datasets.Open("imagefolder", _dir, shape).Train;

    private void Write(string label, string file, byte[] bytes)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "train", label));
        File.WriteAllBytes(Path.Combine(_dir, "train", label, file), bytes);
    }

    private static byte[] Pixels(ImageSource source, int index)
    {
        var buffer = new byte[(int)source.Shape.Elements];
        source.ReadPixels(index, buffer);
        return buffer;
    }

    private static byte[] Ppm(int width, int height, byte[] rgb) => [.. System.Text.Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"), .. rgb];

    private static byte[] Encode(int width, int height, byte[] pixels, SKEncodedImageFormat format, int quality, SKColorType type = SKColorType.Rgba8888)
    {
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, type, SKAlphaType.Opaque));
        for (int r = 0; r < height; r++)
            for (int c = 0; c < width; c++)
            {
                int i = r * width + c;
                bitmap.SetPixel(c, r, type == SKColorType.Gray8
                    ? new SKColor(pixels[i], pixels[i], pixels[i])
                    : new SKColor(pixels[i * 3], pixels[i * 3 + 1], pixels[i * 3 + 2]));
            }
        using var data = bitmap.Encode(format, quality);
        return data.ToArray();
    }

    /// <summary>A 24-bit BMP header that declares the size and holds no pixels: refused before anything is allocated.</summary>
    private static byte[] Bmp(int width, int height)
    {
        var header = new byte[54];
        void Int(int at, int value) => BitConverter.GetBytes(value).CopyTo(header, at);
        header[0] = (byte)'B';
        header[1] = (byte)'M';
        Int(2, 54);
        Int(10, 54);
        Int(14, 40);
        Int(18, width);
        Int(22, height);
        BitConverter.GetBytes((short)1).CopyTo(header, 26);
        BitConverter.GetBytes((short)24).CopyTo(header, 28);
        return header;
    }
}
