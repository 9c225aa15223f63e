namespace Hass.Torch.Evaluation;

/// <summary>
/// What one profiling pass counts for a convolution, per input channel c (K = kernel size, Ho = output rows):
/// the fpgaConvNet histogram (how many (window, filter) pairs have z zero products), the same split by output row,
/// and the non-zero products of each distinct weight pattern (so each filter's lane share can be recovered).
/// </summary>
public sealed class WindowCounts
{
    private readonly WeightPatterns _patterns;

    public WindowCounts(WeightPatterns patterns, int rows)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        _patterns = patterns;
        Rows = rows;
        Histogram = new long[patterns.Channels * (patterns.KernelSize + 1)];
        RowCounts = new long[(long)rows * patterns.Channels * (patterns.KernelSize + 1)];
        PatternNonZeros = patterns.Multiplicity.Select(m => new long[m.Length]).ToArray();
    }

    public int Rows { get; }
    public int Channels => _patterns.Channels;
    public int KernelSize => _patterns.KernelSize;
    public int FiltersPerGroup => _patterns.FiltersPerGroup;
    /// <summary>[c, z] flat: (window, filter) pairs of channel c with z zero products.</summary>
    public long[] Histogram { get; }
    /// <summary>[r, c, z] flat: the same, for the windows of output row r.</summary>
    public long[] RowCounts { get; }
    /// <summary>Per channel and weight pattern: non-zero products summed over the channel's windows, for one filter of the pattern.</summary>
    internal long[][] PatternNonZeros { get; }

    /// <summary>Non-zero products of channel c against filter j of its group, summed over windows.</summary>
    public long FilterNonZeros(int channel, int filter) => PatternNonZeros[channel][_patterns.FilterPattern[channel][filter]];

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
            Histogram[histogramRow + k - nonZero] += pairs;
            RowCounts[rowRow + k - nonZero] += pairs;
            PatternNonZeros[channel][p] += windows * nonZero;
        }
    }

    /// <summary>Adds <paramref name="windows"/> windows of channel c in output row r with z zero products against weight pattern p.</summary>
    internal void AddPattern(int channel, int pattern, int row, int zeros, long windows)
    {
        int k = KernelSize;
        long pairs = windows * _patterns.Multiplicity[channel][pattern];
        Histogram[(long)channel * (k + 1) + zeros] += pairs;
        RowCounts[((long)row * Channels + channel) * (k + 1) + zeros] += pairs;
        PatternNonZeros[channel][pattern] += windows * (k - zeros);
    }
}
