using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// Counts, per input channel c of a convolution, how many (window, filter) pairs have exactly z zero products
/// weight·activation among their K = kh·kw products (fpgaConvNet's convention; padding zeros are zeros).
/// Never forms the products. Each window of channel c is reduced to its K-bit activation code (bit k set when
/// the k-th activation of the window is non-zero): one depthwise convolution of the non-zero mask with the
/// kernel 2^k, with the layer's stride and zero padding. The codes are counted per channel (bincount or
/// unique). Each filter of c's group contributes its K-bit weight mask; equal masks are merged with their
/// multiplicity. Then for every (channel, distinct window code, distinct weight mask):
/// z = K − popcount(code ∧ mask), and the bin gets count × multiplicity. The per-image cost is one depthwise
/// convolution and one counting pass over the input, independent of the number of filters; the final
/// combination costs channels × distinct codes × distinct masks, independent of the number of images.
/// Kernels with K &gt; 52 (beyond exact float64 codes) use a grouped convolution of the masks instead.
/// </summary>
public static class WindowZeroHistogram
{
    public const long DefaultMaxElements = 1L << 23;
    private const int MaxCodeBits = 52;
    private const int DenseCodeBits = 12;

    /// <summary>Output rows of the layer for an input of <paramref name="inputRows"/> rows.</summary>
    public static int OutputRows(WeightPatterns patterns, long inputRows, int stride, int padding) =>
        (int)((inputRows + 2 * padding - patterns.KernelRows) / stride + 1);

    /// <summary>Adds the counts of one batch of inputs (N×C×H×W) to <paramref name="counts"/>.</summary>
    public static void Accumulate(Tensor input, WeightPatterns patterns, int stride, int padding, WindowCounts counts, long maxElements = DefaultMaxElements)
    {
        if (input.shape[1] != patterns.Channels) throw new ArgumentException($"input has {input.shape[1]} channels, the weights expect {patterns.Channels}");
        if (OutputRows(patterns, input.shape[2], stride, padding) != counts.Rows)
            throw new ArgumentException($"input of {input.shape[2]} rows gives {OutputRows(patterns, input.shape[2], stride, padding)} output rows, the counts hold {counts.Rows}");
        if (patterns.KernelSize > MaxCodeBits) AccumulateByMaskConvolution(input, patterns, stride, padding, counts, maxElements);
        else AccumulateByWindowCodes(input, patterns, stride, padding, counts, maxElements);
    }

    private static void AccumulateByWindowCodes(Tensor input, WeightPatterns patterns, int stride, int padding, WindowCounts counts, long maxElements)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.0.ToScalar();   // explicit Scalars: see ActivationSite.forward
        using var one = 1.ToScalar();
        int k = patterns.KernelSize, channels = patterns.Channels, rows = counts.Rows;
        // float32 holds integers exactly up to 2^24; beyond, codes are computed in float64 (exact to 2^53).
        var dtype = k <= 24 ? ScalarType.Float32 : ScalarType.Float64;
        var powers = new double[k];
        for (int i = 0; i < k; i++) powers[i] = Math.Pow(2, i);
        long batch = input.shape[0];
        long perImage = input.shape[1] * input.shape[2] * input.shape[3];
        long imagesPerChunk = Math.Clamp(maxElements / Math.Max(1, perImage), 1, batch);
        // Keys are ((channel·rows + row) << K) + code; channel blocks keep them inside int64 (only matters for huge kernels).
        long channelsPerBlock = Math.Min(channels, Math.Max(1, (1L << (62 - k)) / rows));
        for (long c0 = 0; c0 < channels; c0 += channelsPerBlock)
        {
            long cs = Math.Min(channelsPerBlock, channels - c0);
            using var block = NewDisposeScope();
            var kernel = tensor(powers).to_type(dtype).reshape(1, 1, patterns.KernelRows, patterns.KernelCols).expand(cs, 1, patterns.KernelRows, patterns.KernelCols).contiguous();
            var offsets = tensor(Multiples(cs * rows, 1L << k)).reshape(1, cs, rows, 1);
            long keySpace = cs * rows * (1L << k);
            for (long b0 = 0; b0 < batch; b0 += imagesPerChunk)
            {
                using var inner = NewDisposeScope();
                long bs = Math.Min(imagesPerChunk, batch - b0);
                var mask = input.narrow(0, b0, bs).narrow(1, c0, cs).ne(zero).to_type(dtype);
                var codes = nn.functional.conv2d(mask, kernel, strides: new long[] { stride, stride }, padding: new long[] { padding, padding }, groups: cs);
                var keys = codes.round_().to_type(ScalarType.Int64).add_(offsets, one).flatten();
                if (k <= DenseCodeBits && keySpace <= MaxDenseKeys)
                {
                    counts.AddKeyCounts(c0, bincount(keys, minlength: keySpace));
                }
                else
                {
                    var (unique, _, n) = keys.unique(sorted: true, return_counts: true);
                    var u = unique.data<long>().ToArray();
                    var m = n!.data<long>().ToArray();
                    for (int i = 0; i < u.Length; i++) AddKey(counts, c0, rows, k, u[i], m[i]);
                }
            }
        }
    }

    private const long MaxDenseKeys = 1L << 22;

    private static void AddKey(WindowCounts counts, long c0, int rows, int k, long key, long windows)
    {
        long channelRow = key >> k;
        counts.AddWindows((int)(c0 + channelRow / rows), (int)(channelRow % rows), (ulong)(key & ((1L << k) - 1)), windows);
    }

    /// <summary>
    /// The general path (any K): a grouped convolution of the activation masks with each channel's distinct
    /// weight masks gives the number of non-zero products of every (window, mask); one bincount bins them per row.
    /// </summary>
    private static void AccumulateByMaskConvolution(Tensor input, WeightPatterns patterns, int stride, int padding, WindowCounts counts, long maxElements)
    {
        using var scope = NewDisposeScope();
        using var zero = 0.0.ToScalar();
        int k = patterns.KernelSize, p = patterns.PatternsPerChannel, channels = patterns.Channels, rows = counts.Rows;
        using var kernelSize = ((long)k).ToScalar();
        using var one = 1.ToScalar();
        var kernels = new float[channels * p * k];
        for (int c = 0; c < channels; c++)
            for (int s = 0; s < patterns.MaskBits[c].Length; s++)
                for (int i = 0; i < k; i++) kernels[(c * p + s) * k + i] = patterns.MaskBits[c][s][i];
        var activeMask = input.ne(zero).to_type(ScalarType.Float32);
        long batch = input.shape[0];
        long colsOut = (input.shape[3] + 2 * padding - patterns.KernelCols) / stride + 1;
        long perChannelImage = p * rows * colsOut;
        long imagesPerChunk = Math.Clamp(maxElements / Math.Max(1, perChannelImage), 1, batch);
        long channelsPerChunk = Math.Clamp(maxElements / Math.Max(1, perChannelImage * imagesPerChunk), 1, channels);
        var allKernels = tensor(kernels).reshape(channels * p, 1, patterns.KernelRows, patterns.KernelCols);

        for (long c0 = 0; c0 < channels; c0 += channelsPerChunk)
        {
            long cs = Math.Min(channelsPerChunk, channels - c0);
            var chunkKernels = allKernels.narrow(0, c0 * p, cs * p);
            // bins[((c·p + s)·rows + r)·(K+1) + z]
            var bins = new long[cs * p * rows * (k + 1)];
            using var offsets = tensor(Multiples(cs * p * rows, k + 1)).reshape(1, cs * p, rows, 1);
            for (long b0 = 0; b0 < batch; b0 += imagesPerChunk)
            {
                using var inner = NewDisposeScope();
                long bs = Math.Min(imagesPerChunk, batch - b0);
                var masks = activeMask.narrow(0, b0, bs).narrow(1, c0, cs);
                var nonZeroProducts = nn.functional.conv2d(masks, chunkKernels, strides: new long[] { stride, stride }, padding: new long[] { padding, padding }, groups: cs);
                var zeros = nonZeroProducts.round_().neg_().add_(kernelSize, one).to_type(ScalarType.Int64);
                var n = bincount(zeros.add_(offsets, one).flatten(), minlength: bins.Length).data<long>();
                for (int i = 0; i < bins.Length; i++) bins[i] += n[i];
            }
            for (long c = 0; c < cs; c++)
                for (int s = 0; s < patterns.Multiplicity[c0 + c].Length; s++)
                    for (int r = 0; r < rows; r++)
                        for (int z = 0; z <= k; z++)
                        {
                            long windows = bins[((c * p + s) * rows + r) * (k + 1) + z];
                            if (windows != 0) counts.AddPattern((int)(c0 + c), s, r, z, windows);
                        }
        }
    }

    /// <summary>0, step, 2·step, … (count values): bin offsets built without arange's implicit Scalars.</summary>
    internal static long[] Multiples(long count, long step)
    {
        var values = new long[count];
        for (long i = 0; i < count; i++) values[i] = i * step;
        return values;
    }

    /// <summary>One-shot helper: the [C, K+1] counts of one input batch.</summary>
    public static long[,] Count(Tensor input, Tensor weight, int stride, int padding, int groups, long maxElements = DefaultMaxElements)
    {
        var counts = CountAll(input, weight, stride, padding, groups, maxElements);
        return ToMatrix(counts.Histogram, counts.Channels, counts.KernelSize + 1);
    }

    /// <summary>One-shot helper: everything one pass counts (histogram, per-row histogram, per-filter non-zero products).</summary>
    public static WindowCounts CountAll(Tensor input, Tensor weight, int stride, int padding, int groups, long maxElements = DefaultMaxElements)
    {
        var patterns = WeightPatterns.Of(weight, groups);
        var counts = new WindowCounts(patterns, OutputRows(patterns, input.shape[2], stride, padding));
        Accumulate(input, patterns, stride, padding, counts, maxElements);
        return counts;
    }

    /// <summary>Test hook: the general mask-convolution path, whatever K.</summary>
    internal static WindowCounts CountByMaskConvolution(Tensor input, Tensor weight, int stride, int padding, int groups, long maxElements = DefaultMaxElements)
    {
        var patterns = WeightPatterns.Of(weight, groups);
        var counts = new WindowCounts(patterns, OutputRows(patterns, input.shape[2], stride, padding));
        AccumulateByMaskConvolution(input, patterns, stride, padding, counts, maxElements);
        return counts;
    }

    internal static long[,] ToMatrix(long[] flat, int rows, int cols)
    {
        var m = new long[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) m[r, c] = flat[r * cols + c];
        return m;
    }
}
