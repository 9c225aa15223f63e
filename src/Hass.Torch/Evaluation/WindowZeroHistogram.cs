using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// Counts, per input channel c of a convolution, how many (window, filter) pairs have exactly z zero products
/// weight·activation among their K = kh·kw products (fpgaConvNet's convention; padding zeros are zeros).
/// Never forms the products: the non-zero mask of the activations is convolved (grouped, one group per input
/// channel) with the non-zero masks of that channel's kernel slices, which gives the number of non-zero
/// products of every window directly; equal kernel masks within a channel are convolved once and weighted by
/// their multiplicity (all of them are equal when the weights are unpruned). Bins come from one bincount.
/// Work is chunked over channels and images so no intermediate exceeds <c>maxElements</c> values.
/// </summary>
public static class WindowZeroHistogram
{
    public const long DefaultMaxElements = 1L << 23;

    /// <summary>Kernel-mask patterns of a weight tensor, prepared once per pass.</summary>
    public sealed class WeightPatterns
    {
        internal WeightPatterns(int channels, int kernelRows, int kernelCols, int patternsPerChannel, float[] kernels, long[] multiplicity, long nonZeroWeights, long weights)
        {
            Channels = channels; KernelRows = kernelRows; KernelCols = kernelCols; PatternsPerChannel = patternsPerChannel;
            Kernels = kernels; Multiplicity = multiplicity; NonZeroWeights = nonZeroWeights; Weights = weights;
        }
        public int Channels { get; }
        public int KernelRows { get; }
        public int KernelCols { get; }
        public int KernelSize => KernelRows * KernelCols;
        public int PatternsPerChannel { get; }
        /// <summary>[Channels·P, 1, kh, kw] as a flat array; slot (c, p) is the p-th distinct mask of channel c.</summary>
        internal float[] Kernels { get; }
        /// <summary>[Channels, P]: filters sharing each mask (0 for unused slots).</summary>
        internal long[] Multiplicity { get; }
        public long NonZeroWeights { get; }
        public long Weights { get; }
    }

    public static WeightPatterns Prepare(Tensor weight, int groups)
    {
        var shape = weight.shape;
        int filters = (int)shape[0], channelsPerGroup = (int)shape[1], kh = (int)shape[2], kw = (int)shape[3];
        int k = kh * kw, channels = channelsPerGroup * groups, filtersPerGroup = filters / groups;
        byte[] mask;
        using (var nz = weight.detach().ne(0).to_type(ScalarType.Byte).contiguous()) mask = nz.data<byte>().ToArray();
        long nonZero = mask.Sum(b => (long)b);

        var perChannel = new List<(byte[] Mask, long Count)>[channels];
        var keyBuffer = new char[k];
        for (int c = 0; c < channels; c++)
        {
            int group = c / channelsPerGroup, local = c % channelsPerGroup;
            var seen = new Dictionary<string, int>();
            var list = new List<(byte[] Mask, long Count)>();
            for (int f = group * filtersPerGroup; f < (group + 1) * filtersPerGroup; f++)
            {
                int offset = (f * channelsPerGroup + local) * k;
                for (int i = 0; i < k; i++) keyBuffer[i] = (char)('0' + mask[offset + i]);
                var key = new string(keyBuffer);
                if (seen.TryGetValue(key, out var slot)) list[slot] = (list[slot].Mask, list[slot].Count + 1);
                else { seen[key] = list.Count; list.Add((mask.AsSpan(offset, k).ToArray(), 1)); }
            }
            perChannel[c] = list;
        }
        int p = perChannel.Max(l => l.Count);
        var kernels = new float[channels * p * k];
        var multiplicity = new long[channels * p];
        for (int c = 0; c < channels; c++)
            for (int s = 0; s < perChannel[c].Count; s++)
            {
                var (m, count) = perChannel[c][s];
                for (int i = 0; i < k; i++) kernels[(c * p + s) * k + i] = m[i];
                multiplicity[c * p + s] = count;
            }
        return new WeightPatterns(channels, kh, kw, p, kernels, multiplicity, nonZero, mask.LongLength);
    }

    /// <summary>Adds the counts of one batch of inputs (N×C×H×W) to <paramref name="histogram"/> ([C, K+1] flat).</summary>
    public static void Accumulate(Tensor input, WeightPatterns patterns, int stride, int padding, long[] histogram, long maxElements = DefaultMaxElements)
    {
        using var scope = NewDisposeScope();
        int k = patterns.KernelSize, p = patterns.PatternsPerChannel, channels = patterns.Channels;
        if (input.shape[1] != channels) throw new ArgumentException($"input has {input.shape[1]} channels, the weights expect {channels}");
        var activeMask = input.ne(0).to_type(ScalarType.Float32);
        long batch = input.shape[0];
        long rowsOut = (input.shape[2] + 2 * padding - patterns.KernelRows) / stride + 1;
        long colsOut = (input.shape[3] + 2 * padding - patterns.KernelCols) / stride + 1;
        long perChannelImage = p * rowsOut * colsOut;
        long imagesPerChunk = Math.Clamp(maxElements / Math.Max(1, perChannelImage), 1, batch);
        long channelsPerChunk = Math.Clamp(maxElements / Math.Max(1, perChannelImage * imagesPerChunk), 1, channels);
        var allKernels = tensor(patterns.Kernels).reshape(channels * p, 1, patterns.KernelRows, patterns.KernelCols);

        for (long c0 = 0; c0 < channels; c0 += channelsPerChunk)
        {
            long cs = Math.Min(channelsPerChunk, channels - c0);
            var kernels = allKernels.narrow(0, c0 * p, cs * p);
            var bins = new long[cs * p * (k + 1)];
            using var offsets = arange(0, cs * p * (k + 1), k + 1, ScalarType.Int64).reshape(1, cs * p, 1, 1);
            for (long b0 = 0; b0 < batch; b0 += imagesPerChunk)
            {
                using var inner = NewDisposeScope();
                long bs = Math.Min(imagesPerChunk, batch - b0);
                var masks = activeMask.narrow(0, b0, bs).narrow(1, c0, cs);
                var nonZeroProducts = nn.functional.conv2d(masks, kernels, strides: new long[] { stride, stride }, padding: new long[] { padding, padding }, groups: cs);
                var zeros = nonZeroProducts.round_().neg_().add_(k).to_type(ScalarType.Int64);
                var index = zeros.add_(offsets).flatten();
                var counts = bincount(index, minlength: cs * p * (k + 1)).data<long>();
                for (int i = 0; i < bins.Length; i++) bins[i] += counts[i];
            }
            for (long c = 0; c < cs; c++)
                for (long s = 0; s < p; s++)
                {
                    long m = patterns.Multiplicity[(c0 + c) * p + s];
                    if (m == 0) continue;
                    for (int z = 0; z <= k; z++)
                        histogram[(c0 + c) * (k + 1) + z] += m * bins[(c * p + s) * (k + 1) + z];
                }
        }
    }

    /// <summary>One-shot helper: the [C, K+1] counts of one input batch.</summary>
    public static long[,] Count(Tensor input, Tensor weight, int stride, int padding, int groups, long maxElements = DefaultMaxElements)
    {
        var patterns = Prepare(weight, groups);
        var flat = new long[patterns.Channels * (patterns.KernelSize + 1)];
        Accumulate(input, patterns, stride, padding, flat, maxElements);
        return ToMatrix(flat, patterns.Channels, patterns.KernelSize + 1);
    }

    internal static long[,] ToMatrix(long[] flat, int rows, int cols)
    {
        var m = new long[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) m[r, c] = flat[r * cols + c];
        return m;
    }
}

/// <summary>
/// The direct way (the reference the profiler is checked and benchmarked against): materialise every
/// window × filter product with unfold, count the zeros of each. Slow and memory-hungry; one image at a time.
/// </summary>
public static class DirectWindowCounter
{
    public static long[,] Count(Tensor input, Tensor weight, int stride, int padding, int groups)
    {
        using var scope = NewDisposeScope();
        long batch = input.shape[0], channels = input.shape[1];
        long filters = weight.shape[0], kh = weight.shape[2], kw = weight.shape[3], k = kh * kw;
        long cg = channels / groups, fg = filters / groups;
        var hist = new long[channels, k + 1];
        var w = weight.detach().reshape(groups, fg, cg, k, 1);
        for (long b = 0; b < batch; b++)
        {
            using var inner = NewDisposeScope();
            var windows = nn.functional.unfold(input.narrow(0, b, 1), (kh, kw), padding: (padding, padding), stride: (stride, stride));
            long l = windows.shape[2];
            var cols = windows.reshape(groups, 1, cg, k, l);
            var products = cols * w;                                    // [G, Fg, Cg, K, L]
            var zeros = products.eq(0).sum(new long[] { 3 }).to_type(ScalarType.Int64); // [G, Fg, Cg, L]
            var perChannel = zeros.permute(0, 2, 1, 3).reshape(channels, fg * l);
            var offsets = arange(0, channels * (k + 1), k + 1, ScalarType.Int64).reshape(channels, 1);
            var counts = bincount((perChannel + offsets).flatten(), minlength: channels * (k + 1)).data<long>().ToArray();
            for (long c = 0; c < channels; c++)
                for (long z = 0; z <= k; z++) hist[c, z] += counts[c * (k + 1) + z];
        }
        return hist;
    }
}
