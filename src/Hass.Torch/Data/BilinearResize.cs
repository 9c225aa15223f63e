namespace Hass.Torch.Data;

/// <summary>
/// Bilinear resizing of 8-bit images exactly as Pillow's <c>Image.resize(size, BILINEAR)</c> does it, which is what
/// TorchVision's <c>Resize</c> runs on the images of an ImageFolder: a separable triangle filter whose support widens
/// with the downscale factor (so shrinking averages every source pixel, no aliasing), coefficients in 22-bit fixed
/// point, the horizontal pass first and its result rounded to 8 bits before the vertical one. Written here because the
/// point is to reproduce Pillow's numbers, and no .NET imaging library uses its filter and rounding: a network imported
/// from PyTorch then sees the bytes it was evaluated on there (ImageFolderFormatsTests, bit for bit).
/// </summary>
public static class BilinearResize
{
    private const int PrecisionBits = 32 - 8 - 2;

    /// <summary>Resizes H×W×C <paramref name="pixels"/> to <paramref name="height"/>×<paramref name="width"/>.</summary>
    public static byte[] Resize(byte[] pixels, int channels, int sourceHeight, int sourceWidth, int height, int width)
    {
        var current = pixels;
        if (width != sourceWidth)
            current = Pass(current, channels, sourceHeight, sourceWidth, Coefficients(sourceWidth, width), horizontal: true);
        if (height != sourceHeight)
            current = Pass(current, channels, sourceHeight, width, Coefficients(sourceHeight, height), horizontal: false);
        return ReferenceEquals(current, pixels) ? (byte[])pixels.Clone() : current;
    }

    private sealed record Taps(int[] First, int[] Count, int[][] Weights);

    private static Taps Coefficients(int inSize, int outSize)
    {
        double scale = (double)inSize / outSize;
        double filterScale = Math.Max(scale, 1.0);
        double support = filterScale;   // the triangle's support is 1, widened when shrinking
        var first = new int[outSize];
        var count = new int[outSize];
        var weights = new int[outSize][];
        for (int o = 0; o < outSize; o++)
        {
            double center = (o + 0.5) * scale;
            int min = Math.Max((int)(center - support + 0.5), 0);
            int n = Math.Min((int)(center + support + 0.5), inSize) - min;
            var k = new double[n];
            double sum = 0;
            for (int x = 0; x < n; x++)
            {
                double distance = Math.Abs((x + min - center + 0.5) / filterScale);
                k[x] = distance < 1 ? 1 - distance : 0;
                sum += k[x];
            }
            weights[o] = new int[n];
            for (int x = 0; x < n; x++)
            {
                double w = sum != 0 ? k[x] / sum : k[x];
                weights[o][x] = (int)(w < 0 ? -0.5 + w * (1 << PrecisionBits) : 0.5 + w * (1 << PrecisionBits));
            }
            (first[o], count[o]) = (min, n);
        }
        return new Taps(first, count, weights);
    }

    private static byte[] Pass(byte[] source, int channels, int height, int width, Taps taps, bool horizontal)
    {
        int outHeight = horizontal ? height : taps.First.Length, outWidth = horizontal ? taps.First.Length : width;
        var result = new byte[outHeight * outWidth * channels];
        for (int y = 0; y < outHeight; y++)
            for (int x = 0; x < outWidth; x++)
            {
                int o = horizontal ? x : y;
                var w = taps.Weights[o];
                for (int c = 0; c < channels; c++)
                {
                    long sum = 1L << (PrecisionBits - 1);
                    for (int t = 0; t < taps.Count[o]; t++)
                    {
                        int sy = horizontal ? y : taps.First[o] + t, sx = horizontal ? taps.First[o] + t : x;
                        sum += source[(sy * width + sx) * channels + c] * (long)w[t];
                    }
                    result[(y * outWidth + x) * channels + c] = (byte)Math.Clamp(sum >> PrecisionBits, 0, 255);
                }
            }
        return result;
    }
}
