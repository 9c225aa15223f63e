using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// Image-to-image spread of a convolution's work: for every image, X[c, r] = the non-zero products of input channel c
/// in output row r summed over its windows and the filters of its group, and T[r] = Σ_c X[c, r]. Keeps Σ X, Σ X², Σ T,
/// Σ T² over images, so the variance of each (row, channel) and of each row's total (which carries the correlation
/// between channels) can be read. One depthwise convolution of the input's non-zero mask per batch, with kernel
/// [k] = number of filters whose weight k of that channel is non-zero (Σ over filters of popcount(code ∧ mask) is
/// linear in the activation bits); exact (float32 while the counts stay below 2^24, else float64). The first
/// <see cref="SampleLimit"/> images' X are also kept as they are (<see cref="Samples"/>).
/// </summary>
public sealed class RowNonZeroMoments
{
    private readonly double[] _kernel;
    private readonly WeightPatterns _patterns;

    public RowNonZeroMoments(WeightPatterns patterns, int rows, int sampleLimit = 0)
    {
        _patterns = patterns;
        Rows = rows;
        SampleLimit = sampleLimit;
        int k = patterns.KernelSize;
        _kernel = new double[patterns.Channels * k];
        for (int c = 0; c < patterns.Channels; c++)
            for (int p = 0; p < patterns.MaskBits[c].Length; p++)
                for (int i = 0; i < k; i++) _kernel[c * k + i] += patterns.MaskBits[c][p][i] * (double)patterns.Multiplicity[c][p];
        Sum = new double[rows * patterns.Channels];
        SumOfSquares = new double[rows * patterns.Channels];
        TotalSum = new double[rows];
        TotalSumOfSquares = new double[rows];
    }

    /// <summary>Upper bound of one (image, row, channel) count for an input of <paramref name="columns"/> columns (padding included generously).</summary>
    private double MaxRowCount(long columns) => (double)_patterns.FiltersPerGroup * _patterns.KernelSize * (columns + 2 * _patterns.KernelCols);

    public int Rows { get; }
    public long Images { get; private set; }
    /// <summary>[r·C + c]: Σ over images of X[c, r].</summary>
    public double[] Sum { get; }
    public double[] SumOfSquares { get; }
    /// <summary>[r]: Σ over images of T[r].</summary>
    public double[] TotalSum { get; }
    public double[] TotalSumOfSquares { get; }
    /// <summary>How many of the first images keep their X in <see cref="Samples"/>.</summary>
    public int SampleLimit { get; }
    /// <summary>[image][r][c]: X[c, r] of each of the first <see cref="SampleLimit"/> images, in the order they came.</summary>
    public List<int[][]> Samples { get; } = [];

    /// <summary>Adds the images of one batch (N×C×H×W), at most <paramref name="maxElements"/> input values at a time.</summary>
    public void Accumulate(Tensor input, int stride, int padding, long maxElements = WindowZeroHistogram.DefaultMaxElements)
    {
        long perImage = input.shape[1] * input.shape[2] * input.shape[3];
        long chunk = Math.Clamp(maxElements / Math.Max(1, perImage), 1, Math.Max(1, input.shape[0]));
        for (long b0 = 0; b0 < input.shape[0]; b0 += chunk)
        {
            using var scope = NewDisposeScope();
            AccumulateChunk(input.narrow(0, b0, Math.Min(chunk, input.shape[0] - b0)), stride, padding);
        }
    }

    private void AccumulateChunk(Tensor input, int stride, int padding)
    {
        using var zero = 0.0.ToScalar();
        int channels = _patterns.Channels;
        // float32 is exact while a row's count (at most filters·K·columns) stays below 2^24; beyond, float64.
        var dtype = MaxRowCount(input.shape[3]) < (1 << 24) ? ScalarType.Float32 : ScalarType.Float64;
        var kernel = tensor(_kernel).reshape(channels, 1, _patterns.KernelRows, _patterns.KernelCols).to_type(dtype);
        var mask = input.ne(zero).to_type(dtype);
        var perRow = nn.functional.conv2d(mask, kernel, strides: new long[] { stride, stride }, padding: new long[] { padding, padding }, groups: channels).sum(3);
        if (perRow.shape[2] != Rows) throw new ArgumentException($"input gives {perRow.shape[2]} output rows, the moments hold {Rows}");
        long images = perRow.shape[0];
        var x = perRow.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();   // [n, c, r]
        for (long n = 0; n < images; n++)
        {
            int[][]? sample = Samples.Count < SampleLimit ? new int[Rows][] : null;
            if (sample is not null) Samples.Add(sample);
            for (int r = 0; r < Rows; r++)
            {
                double total = 0;
                if (sample is not null) sample[r] = new int[channels];
                for (int c = 0; c < channels; c++)
                {
                    double v = x[(n * channels + c) * Rows + r];
                    if (sample is not null) sample[r][c] = checked((int)v);
                    Sum[r * channels + c] += v;
                    SumOfSquares[r * channels + c] += v * v;
                    total += v;
                }
                TotalSum[r] += total;
                TotalSumOfSquares[r] += total * total;
            }
        }
        Images += images;
    }

    /// <summary>[r][c]: variance over images of X[c, r] (population variance).</summary>
    public double[][] ChannelVariance()
    {
        int channels = _patterns.Channels;
        return Enumerable.Range(0, Rows).Select(r => Enumerable.Range(0, channels)
            .Select(c => Variance(Sum[r * channels + c], SumOfSquares[r * channels + c])).ToArray()).ToArray();
    }

    /// <summary>[r]: variance over images of T[r].</summary>
    public double[] TotalVariance() => Enumerable.Range(0, Rows).Select(r => Variance(TotalSum[r], TotalSumOfSquares[r])).ToArray();

    private double Variance(double sum, double squares)
    {
        if (Images == 0) return 0;
        double mean = sum / Images;
        return Math.Max(0, squares / Images - mean * mean);
    }
}
