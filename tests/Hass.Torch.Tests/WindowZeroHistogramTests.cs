using Hass.Torch.Evaluation;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

public class WindowZeroHistogramTests
{
    /// <summary>Small integer tensors with many zeros (values −2..2), deterministic.</summary>
    private static float[] RandomIntegers(Random rng, int count, double zeroFraction)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = rng.NextDouble() < zeroFraction ? 0 : rng.Next(1, 3) * (rng.Next(2) == 0 ? -1 : 1);
        return v;
    }

    /// <summary>Brute-force counts: [c, z], per output row [r, c, z], and non-zero products per (channel, filter of its group).</summary>
    private sealed record Expected(long[,] Histogram, long[,,] Rows, long[,] FilterNonZeros, long[,,] FilterWindows);

    /// <summary>Direct count over every window and every filter of the channel's group, padding zeros included.</summary>
    private static Expected BruteForce(float[] x, int n, int c, int h, int w, float[] wt, int f, int k, int stride, int pad, int groups)
    {
        int cg = c / groups, fg = f / groups;
        int ho = (h + 2 * pad - k) / stride + 1, wo = (w + 2 * pad - k) / stride + 1;
        var hist = new long[c, k * k + 1];
        var rows = new long[ho, c, k * k + 1];
        var nonZeros = new long[c, fg];
        var filterWindows = new long[c, fg, k * k + 1];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int g = ch / cg, local = ch % cg;
                for (int filter = g * fg; filter < (g + 1) * fg; filter++)
                    for (int r = 0; r < ho; r++)
                        for (int q = 0; q < wo; q++)
                        {
                            int zeros = 0;
                            for (int i = 0; i < k; i++)
                                for (int j = 0; j < k; j++)
                                {
                                    int row = r * stride - pad + i, col = q * stride - pad + j;
                                    float a = row < 0 || row >= h || col < 0 || col >= w ? 0 : x[((b * c + ch) * h + row) * w + col];
                                    float weight = wt[((filter * cg + local) * k + i) * k + j];
                                    if (a * weight == 0) zeros++;
                                }
                            hist[ch, zeros]++;
                            rows[r, ch, zeros]++;
                            nonZeros[ch, filter - g * fg] += k * k - zeros;
                            filterWindows[ch, filter - g * fg, zeros]++;
                        }
            }
        return new Expected(hist, rows, nonZeros, filterWindows);
    }

    private static void AssertEqual(Expected expected, WindowCounts counts)
    {
        int channels = expected.Histogram.GetLength(0), bins = expected.Histogram.GetLength(1), rows = expected.Rows.GetLength(0);
        Assert.Equal(expected.Histogram, WindowZeroHistogram.ToMatrix(counts.Histogram, channels, bins));
        Assert.Equal(rows, counts.Rows);
        var actualRows = new long[rows, channels, bins];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < channels; c++)
                for (int z = 0; z < bins; z++) actualRows[r, c, z] = counts.RowCounts[((long)r * channels + c) * bins + z];
        Assert.Equal(expected.Rows, actualRows);
        var actualNonZeros = new long[channels, expected.FilterNonZeros.GetLength(1)];
        for (int c = 0; c < channels; c++)
            for (int j = 0; j < actualNonZeros.GetLength(1); j++) actualNonZeros[c, j] = counts.FilterNonZeros(c, j);
        Assert.Equal(expected.FilterNonZeros, actualNonZeros);
        var actualWindows = new long[channels, expected.FilterNonZeros.GetLength(1), bins];
        for (int c = 0; c < channels; c++)
            for (int j = 0; j < actualWindows.GetLength(1); j++)
                for (int z = 0; z < bins; z++) actualWindows[c, j, z] = counts.FilterWindows(c, j, z);
        Assert.Equal(expected.FilterWindows, actualWindows);
    }

    public static TheoryData<int, int, int, int, int, int, int> Cases() => new()
    {
        // channels, filters, kernel, stride, padding, groups, size
        { 3, 4, 3, 1, 0, 1, 7 },
        { 3, 4, 3, 1, 1, 1, 7 },
        { 4, 6, 3, 2, 1, 1, 8 },
        { 4, 6, 3, 2, 2, 2, 9 },
        { 4, 4, 5, 1, 2, 2, 8 },
        { 6, 6, 3, 1, 1, 6, 7 },   // depthwise
        { 6, 12, 3, 2, 1, 6, 8 },  // depthwise with multiplier 2
        { 5, 7, 1, 1, 0, 1, 6 },   // 1×1
        { 4, 8, 1, 2, 0, 2, 7 },   // strided grouped 1×1
        { 2, 3, 3, 1, 2, 1, 5 },   // padding 2
        { 3, 3, 5, 2, 2, 3, 9 },   // 5×5 depthwise (K = 25: float64 codes, unique counting)
        { 2, 4, 4, 1, 1, 1, 7 },   // 4×4: K = 16, sparse code counting
        { 3, 4, 7, 2, 3, 1, 12 },  // 7×7 stride 2 padding 3 (ResNet stem): K = 49
        { 2, 2, 8, 2, 1, 1, 10 },  // 8×8: K = 64 > 52, the mask-convolution path
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void WindowCodesEqualDirectCount(int channels, int filters, int kernel, int stride, int padding, int groups, int size)
    {
        var rng = new Random(1234 + channels * 100 + filters * 10 + kernel + stride + padding + groups);
        const int batch = 3;
        var x = RandomIntegers(rng, batch * channels * size * size, 0.4);
        var wt = RandomIntegers(rng, filters * (channels / groups) * kernel * kernel, 0.3);
        var expected = BruteForce(x, batch, channels, size, size, wt, filters, kernel, stride, padding, groups);

        using var input = tensor(x).reshape(batch, channels, size, size);
        using var weight = tensor(wt).reshape(filters, channels / groups, kernel, kernel);
        Assert.Equal(expected.Histogram, WindowZeroHistogram.Count(input, weight, stride, padding, groups));
        AssertEqual(expected, WindowZeroHistogram.CountAll(input, weight, stride, padding, groups));
        // Tiny chunks exercise the channel and image chunking.
        AssertEqual(expected, WindowZeroHistogram.CountAll(input, weight, stride, padding, groups, maxElements: 7));
        Assert.Equal(expected.Histogram, DirectWindowCounter.Count(input, weight, stride, padding, groups));
        AssertEqual(expected, WindowZeroHistogram.CountByMaskConvolution(input, weight, stride, padding, groups, maxElements: 11));
    }

    [Fact]
    public void DenseWeightsShareOnePatternPerChannel()
    {
        using var weight = ones(8, 4, 3, 3);
        var patterns = WeightPatterns.Of(weight, 1);
        Assert.Equal(1, patterns.PatternsPerChannel);
        Assert.Equal(patterns.Weights, patterns.NonZeroWeights);
    }
}
