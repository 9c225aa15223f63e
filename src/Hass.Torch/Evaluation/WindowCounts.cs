using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// What one profiling pass counts for a convolution, per input channel c (K = kernel size, Ho = output rows):
/// the fpgaConvNet histogram (how many (window, filter) pairs have z zero products), the same split by output row,
/// and the non-zero products and zero histogram of each distinct weight pattern (so each filter's lane share, in
/// products and in cycles at any fine, can be recovered).
/// </summary>
public sealed class WindowCounts
{
    private readonly WeightPatterns _patterns;
    private readonly long[] _histogram;
    private readonly long[] _rowCounts;
    private readonly long[][] _patternNonZeros;
    /// <summary>[channel][pattern·(K+1) + z]: windows of the channel with z zero products against the pattern.</summary>
    private readonly long[][] _patternHistogram;
    /// <summary>Window counts per dense key of each channel block (by first channel), summed over calls and decoded on first read.</summary>
    private readonly Dictionary<long, long[]> _pendingCodes = [];
    private long[] _scratch = [];

    public WindowCounts(WeightPatterns patterns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        _patterns = patterns;
        Rows = rows;
        _histogram = new long[patterns.Channels * (patterns.KernelSize + 1)];
        _rowCounts = new long[(long)rows * patterns.Channels * (patterns.KernelSize + 1)];
        _patternNonZeros = patterns.Multiplicity.Select(m => new long[m.Length]).ToArray();
        _patternHistogram = patterns.Multiplicity.Select(m => new long[m.Length * (patterns.KernelSize + 1)]).ToArray();
    }

    public int Rows { get; }
    public int Channels => _patterns.Channels;
    public int KernelSize => _patterns.KernelSize;
    public int FiltersPerGroup => _patterns.FiltersPerGroup;
    /// <summary>[c, z] flat: (window, filter) pairs of channel c with z zero products.</summary>
    public long[] Histogram => Decoded(_histogram);
    /// <summary>[r, c, z] flat: the same, for the windows of output row r.</summary>
    public long[] RowCounts => Decoded(_rowCounts);
    /// <summary>Per channel and weight pattern: non-zero products summed over the channel's windows, for one filter of the pattern.</summary>
    internal long[][] PatternNonZeros => Decoded(_patternNonZeros);

    /// <summary>Non-zero products of channel c against filter j of its group, summed over windows.</summary>
    public long FilterNonZeros(int channel, int filter) => PatternNonZeros[channel][_patterns.FilterPattern[channel][filter]];

    /// <summary>Windows of channel c with <paramref name="zeros"/> zero products against filter j of its group.</summary>
    public long FilterWindows(int channel, int filter, int zeros) =>
        Decoded(_patternHistogram)[channel][_patterns.FilterPattern[channel][filter] * (KernelSize + 1) + zeros];

    /// <summary>Adds <paramref name="windows"/> windows of channel c in output row r whose activation code is <paramref name="code"/>.</summary>
    internal void AddWindows(int channel, int row, ulong code, long windows)
    {
        int k = KernelSize;
        var masks = _patterns.Masks[channel];
        var multiplicity = _patterns.Multiplicity[channel];
        long histogramRow = (long)channel * (k + 1), rowRow = ((long)row * Channels + channel) * (k + 1);
        for (int p = 0; p < masks.Length; p++)
        {
            int nonZero = System.Numerics.BitOperations.PopCount(code & masks[p]);
            long pairs = windows * multiplicity[p];
            _histogram[histogramRow + k - nonZero] += pairs;
            _rowCounts[rowRow + k - nonZero] += pairs;
            _patternNonZeros[channel][p] += windows * nonZero;
            _patternHistogram[channel][p * (k + 1) + k - nonZero] += windows;
        }
    }

    /// <summary>
    /// Adds window counts indexed by the dense key ((channel − c0)·rows + row)·2^K + code of the channel block starting at
    /// <paramref name="c0"/>. They are summed as they come and decoded once, when a count is first read: the decoding
    /// costs the same for one batch as for many.
    /// </summary>
    internal void AddKeyCounts(long c0, Tensor keyCounts)
    {
        int length = checked((int)keyCounts.numel());
        if (!_pendingCodes.TryGetValue(c0, out var pending)) _pendingCodes[c0] = pending = new long[length];
        if (_scratch.Length < length) _scratch = new long[length];
        keyCounts.data<long>().CopyTo(_scratch.AsSpan(0, length), 0, 0);
        for (int i = 0; i < length; i++) pending[i] += _scratch[i];
    }

    private T Decoded<T>(T counts)
    {
        int k = KernelSize;
        foreach (var (c0, pending) in _pendingCodes)
            for (long key = 0; key < pending.Length; key++)
            {
                if (pending[key] == 0) continue;
                long channelRow = key >> k;
                AddWindows((int)(c0 + channelRow / Rows), (int)(channelRow % Rows), (ulong)(key & ((1L << k) - 1)), pending[key]);
            }
        _pendingCodes.Clear();
        return counts;
    }

    /// <summary>Adds <paramref name="windows"/> windows of channel c in output row r with z zero products against weight pattern p.</summary>
    internal void AddPattern(int channel, int pattern, int row, int zeros, long windows)
    {
        int k = KernelSize;
        long pairs = windows * _patterns.Multiplicity[channel][pattern];
        _histogram[(long)channel * (k + 1) + zeros] += pairs;
        _rowCounts[((long)row * Channels + channel) * (k + 1) + zeros] += pairs;
        _patternNonZeros[channel][pattern] += windows * (k - zeros);
        _patternHistogram[channel][pattern * (k + 1) + zeros] += windows;
    }
}
