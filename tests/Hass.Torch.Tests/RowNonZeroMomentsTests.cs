using Hass.Torch.Evaluation;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

/// <summary>The per-image (row, channel) non-zero products and their moments, against a direct count over every window and filter.</summary>
public class RowNonZeroMomentsTests
{
    private static float[] RandomIntegers(Random rng, int count, double zeroFraction)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = rng.NextDouble() < zeroFraction ? 0 : rng.Next(1, 3) * (rng.Next(2) == 0 ? -1 : 1);
        return v;
    }

    /// <summary>[b, r, c]: non-zero products of channel c in output row r of image b, over the row's windows and the group's filters.</summary>
    private static long[,,] BruteForce(float[] x, int n, int c, int h, int w, float[] wt, int f, int k, int stride, int pad, int groups)
    {
        int cg = c / groups, fg = f / groups;
        int ho = (h + 2 * pad - k) / stride + 1, wo = (w + 2 * pad - k) / stride + 1;
        var counts = new long[n, ho, c];
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
            {
                int g = ch / cg, local = ch % cg;
                for (int filter = g * fg; filter < (g + 1) * fg; filter++)
                    for (int r = 0; r < ho; r++)
                        for (int q = 0; q < wo; q++)
                            for (int i = 0; i < k; i++)
                                for (int j = 0; j < k; j++)
                                {
                                    int row = r * stride - pad + i, col = q * stride - pad + j;
                                    float a = row < 0 || row >= h || col < 0 || col >= w ? 0 : x[((b * c + ch) * h + row) * w + col];
                                    if (a * wt[((filter * cg + local) * k + i) * k + j] != 0) counts[b, r, ch]++;
                                }
            }
        return counts;
    }

    /// <summary>A random integer-valued input batch and conv weight, their tensors and the direct count.</summary>
    private sealed class RandomLayer : IDisposable
    {
        public RandomLayer(int seed, int batch, int channels, int filters, int kernel, int stride, int padding, int groups, int size)
        {
            var rng = new Random(seed + channels * 100 + filters * 10 + kernel + stride + padding + groups);
            var x = RandomIntegers(rng, batch * channels * size * size, 0.4);
            var wt = RandomIntegers(rng, filters * (channels / groups) * kernel * kernel, 0.3);
            Direct = BruteForce(x, batch, channels, size, size, wt, filters, kernel, stride, padding, groups);
            Input = tensor(x).reshape(batch, channels, size, size);
            Weight = tensor(wt).reshape(filters, channels / groups, kernel, kernel);
            Patterns = WeightPatterns.Of(Weight, groups);
        }

        public long[,,] Direct { get; }
        public int Rows => Direct.GetLength(1);
        public Tensor Input { get; }
        public Tensor Weight { get; }
        public WeightPatterns Patterns { get; }

        public void Dispose()
        {
            Input.Dispose();
            Weight.Dispose();
        }
    }

    public static TheoryData<int, int, int, int, int, int, int> Cases() => WindowZeroHistogramTests.Cases();

    [Theory]
    [MemberData(nameof(Cases))]
    public void Moments_equal_the_direct_count(int channels, int filters, int kernel, int stride, int padding, int groups, int size)
    {
        const int batch = 4;
        using var layer = new RandomLayer(77, batch, channels, filters, kernel, stride, padding, groups, size);
        var (direct, rows, input, patterns) = (layer.Direct, layer.Rows, layer.Input, layer.Patterns);
        foreach (var maxElements in new[] { WindowZeroHistogram.DefaultMaxElements, 7L })
        {
            var moments = new RowNonZeroMoments(patterns, rows);
            moments.Accumulate(input, stride, padding, maxElements);
            Assert.Equal(batch, moments.Images);
            for (int r = 0; r < rows; r++)
            {
                double total = 0, totalSquares = 0;
                for (int c = 0; c < channels; c++)
                {
                    double sum = 0, squares = 0;
                    for (int b = 0; b < batch; b++) { sum += direct[b, r, c]; squares += (double)direct[b, r, c] * direct[b, r, c]; }
                    Assert.Equal(sum, moments.Sum[r * channels + c]);
                    Assert.Equal(squares, moments.SumOfSquares[r * channels + c]);
                }
                for (int b = 0; b < batch; b++)
                {
                    double t = 0;
                    for (int c = 0; c < channels; c++) t += direct[b, r, c];
                    total += t;
                    totalSquares += t * t;
                }
                Assert.Equal(total, moments.TotalSum[r]);
                Assert.Equal(totalSquares, moments.TotalSumOfSquares[r]);
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Samples_keep_the_first_images_direct_counts(int channels, int filters, int kernel, int stride, int padding, int groups, int size)
    {
        const int batch = 5, kept = 3;
        using var layer = new RandomLayer(91, batch, channels, filters, kernel, stride, padding, groups, size);
        var (direct, rows, input, patterns) = (layer.Direct, layer.Rows, layer.Input, layer.Patterns);
        foreach (var maxElements in new[] { WindowZeroHistogram.DefaultMaxElements, 7L })
        {
            var moments = new RowNonZeroMoments(patterns, rows, sampleLimit: kept);
            // Two batches: the samples carry over from the first to the second and stop at the limit.
            moments.Accumulate(input.narrow(0, 0, 2), stride, padding, maxElements);
            moments.Accumulate(input.narrow(0, 2, batch - 2), stride, padding, maxElements);
            Assert.Equal(kept, moments.Samples.Count);
            for (int b = 0; b < kept; b++)
                for (int r = 0; r < rows; r++)
                    for (int c = 0; c < channels; c++) Assert.Equal(direct[b, r, c], moments.Samples[b][r][c]);
        }
    }

    [Fact]
    public void Variances_are_the_population_variances_over_images()
    {
        // One channel, one 1×1 filter of weight 1, 1×2 images: row 0 counts the non-zero pixels: 0, 1, 2, 1 → mean 1, variance 0.5.
        using var input = tensor(new float[] { 0, 0, 1, 0, 1, 1, 0, 1 }).reshape(4, 1, 1, 2);
        using var weight = tensor(new float[] { 1 }).reshape(1, 1, 1, 1);
        var moments = new RowNonZeroMoments(WeightPatterns.Of(weight, 1), 1);
        moments.Accumulate(input, 1, 0);
        Assert.Equal(0.5, moments.ChannelVariance()[0][0], 12);
        Assert.Equal(0.5, moments.TotalVariance()[0], 12);
    }
}
