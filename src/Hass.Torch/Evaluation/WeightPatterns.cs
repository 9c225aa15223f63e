using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>Kernel-mask patterns of a weight tensor, prepared once per pass.</summary>
public sealed class WeightPatterns
{
    internal WeightPatterns(int channels, int kernelRows, int kernelCols, ulong[][] masks, long[][] multiplicity, byte[][][] maskBits, int[][] filterPattern, long nonZeroWeights, long weights)
    {
        Channels = channels; KernelRows = kernelRows; KernelCols = kernelCols;
        Masks = masks; Multiplicity = multiplicity; MaskBits = maskBits; FilterPattern = filterPattern; NonZeroWeights = nonZeroWeights; Weights = weights;
    }
    public int Channels { get; }
    public int KernelRows { get; }
    public int KernelCols { get; }
    public int KernelSize => KernelRows * KernelCols;
    /// <summary>Largest number of distinct weight masks of one channel.</summary>
    public int PatternsPerChannel => Masks.Max(m => m.Length);
    /// <summary>Per channel: the distinct K-bit weight masks (bit k = k-th kernel element non-zero; K ≤ 64).</summary>
    internal ulong[][] Masks { get; }
    internal long[][] Multiplicity { get; }
    internal byte[][][] MaskBits { get; }
    /// <summary>Per channel: the pattern slot of each filter of its group (local filter index).</summary>
    internal int[][] FilterPattern { get; }
    public int FiltersPerGroup => FilterPattern.Length == 0 ? 0 : FilterPattern[0].Length;
    public long NonZeroWeights { get; }
    public long Weights { get; }

    /// <summary>The distinct kernel masks of every input channel of <paramref name="weight"/> (F×C/G×kh×kw) and their multiplicity.</summary>
    public static WeightPatterns Of(Tensor weight, int groups)
    {
        var shape = weight.shape;
        int filters = (int)shape[0], channelsPerGroup = (int)shape[1], kh = (int)shape[2], kw = (int)shape[3];
        int k = kh * kw, channels = channelsPerGroup * groups, filtersPerGroup = filters / groups;
        byte[] mask;
        using (var scope = NewDisposeScope())
        using (var zero = 0.0.ToScalar())
            mask = weight.detach().ne(zero).to_type(ScalarType.Byte).contiguous().data<byte>().ToArray();
        long nonZero = mask.Sum(b => (long)b);

        var masks = new ulong[channels][];
        var multiplicity = new long[channels][];
        var maskBits = new byte[channels][][];
        var filterPattern = new int[channels][];
        var keyBuffer = new char[k];
        for (int c = 0; c < channels; c++)
        {
            int group = c / channelsPerGroup, local = c % channelsPerGroup;
            var seen = new Dictionary<string, int>();
            var bits = new List<byte[]>();
            var counts = new List<long>();
            filterPattern[c] = new int[filtersPerGroup];
            for (int f = group * filtersPerGroup; f < (group + 1) * filtersPerGroup; f++)
            {
                int offset = (f * channelsPerGroup + local) * k;
                for (int i = 0; i < k; i++) keyBuffer[i] = (char)('0' + mask[offset + i]);
                var key = new string(keyBuffer);
                if (!seen.TryGetValue(key, out var slot))
                {
                    seen[key] = slot = bits.Count;
                    bits.Add(mask.AsSpan(offset, k).ToArray());
                    counts.Add(0);
                }
                counts[slot]++;
                filterPattern[c][f - group * filtersPerGroup] = slot;
            }
            maskBits[c] = [.. bits];
            multiplicity[c] = [.. counts];
            masks[c] = k <= 64 ? bits.Select(ToCode).ToArray() : [];
        }
        return new WeightPatterns(channels, kh, kw, masks, multiplicity, maskBits, filterPattern, nonZero, mask.LongLength);
    }

    private static ulong ToCode(byte[] bits)
    {
        ulong code = 0;
        for (int i = 0; i < bits.Length; i++) if (bits[i] != 0) code |= 1UL << i;
        return code;
    }
}
