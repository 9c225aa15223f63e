using Hass.Abstractions;
using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// Collects the fpgaConvNet window-sparsity histogram of every conv layer while a network runs (attach
/// <see cref="Observe"/> as the network's <see cref="HassNet.ConvObserver"/>). Weight masks are read once per pass.
/// </summary>
public sealed class SparsityProfiler(long maxElementsPerChunk = WindowZeroHistogram.DefaultMaxElements)
{
    /// <summary>
    /// Largest per-row histogram plus per-filter table (values per layer) kept in a profile; larger layers (ImageNet
    /// scale) keep only the channel histogram and the cost model falls back to the average figure for them.
    /// </summary>
    public const long MaxLaneStatisticsValues = 1L << 16;

    /// <summary>
    /// Images whose per-(row, channel) non-zero products are kept as they are (the first ones profiled: the first
    /// calibration images, the same ones `hass board measure` uploads), fewer where Ho·C·images would pass
    /// <see cref="MaxSampleValues"/>, none below <see cref="MinSampleImages"/>.
    /// </summary>
    public const int SampleImages = 128;
    public const int MinSampleImages = 8;
    public const long MaxSampleValues = 1L << 19;

    private sealed class LayerState(WeightPatterns patterns, int rows)
    {
        public WeightPatterns Patterns { get; } = patterns;
        public WindowCounts Counts { get; } = new(patterns, rows);
        public RowNonZeroMoments Moments { get; } = new(patterns, rows, SampleLimit(rows, patterns.Channels));
        public long ActivationNonZero;
        public long Activations;
    }

    private readonly Dictionary<string, LayerState> _layers = [];

    public void Observe(NetNode conv, Tensor input)
    {
        // Asymmetric padding is applied here (zeros, which the histogram counts as fpgaConvNet does); the
        // activation counts exclude padding either way.
        using var padded = conv.AsymmetricPads is { } pads ? nn.functional.pad(input, pads.ForTorch()) : input.alias();
        if (!_layers.TryGetValue(conv.Name, out var state))
        {
            var patterns = WeightPatterns.Of(conv.Weight, conv.Groups);
            _layers[conv.Name] = state = new LayerState(patterns, WindowZeroHistogram.OutputRows(patterns, padded.shape[2], conv.Stride, conv.Padding));
        }
        state.ActivationNonZero += input.count_nonzero().item<long>();
        state.Activations += input.numel();
        WindowZeroHistogram.Accumulate(padded, state.Patterns, conv.Stride, conv.Padding, state.Counts, maxElementsPerChunk);
        if (KeepsLaneStatistics(state.Counts)) state.Moments.Accumulate(padded, conv.Stride, conv.Padding, maxElementsPerChunk);
    }

    /// <summary>Zero activations / all activations at conv inputs (padding excluded), over every conv layer.</summary>
    public double ActivationSparsity
    {
        get
        {
            long all = _layers.Values.Sum(s => s.Activations);
            return all == 0 ? 0 : 1.0 - (double)_layers.Values.Sum(s => s.ActivationNonZero) / all;
        }
    }

    public SparsityProfile Result(HassNet model, int images)
    {
        var layers = new List<LayerSparsity>();
        foreach (var node in model.Nodes.Where(n => n.Op == NodeOp.Conv && _layers.ContainsKey(n.Name)))
        {
            var s = _layers[node.Name];
            var counts = s.Counts.Histogram;
            int k = s.Patterns.KernelSize, channels = s.Patterns.Channels;
            var histogram = new double[channels][];
            var rowTotals = new long[channels];
            double zeroProducts = 0, products = 0;
            for (int c = 0; c < channels; c++)
            {
                long rowTotal = 0;
                for (int z = 0; z <= k; z++) rowTotal += counts[c * (k + 1) + z];
                rowTotals[c] = rowTotal;
                histogram[c] = new double[k + 1];
                for (int z = 0; z <= k; z++)
                {
                    long count = counts[c * (k + 1) + z];
                    histogram[c][z] = rowTotal == 0 ? 0 : (double)count / rowTotal;
                    zeroProducts += (double)z * count;
                }
                products += (double)rowTotal * k;
            }
            layers.Add(new LayerSparsity
            {
                Layer = node.Name,
                KernelSize = k,
                Histogram = histogram,
                WeightDensity = s.Patterns.Weights == 0 ? 1 : (double)s.Patterns.NonZeroWeights / s.Patterns.Weights,
                ActivationDensity = s.Activations == 0 ? 1 : (double)s.ActivationNonZero / s.Activations,
                EffectiveSparsity = products == 0 ? 0 : zeroProducts / products,
                RowHistogram = KeepsLaneStatistics(s.Counts) ? RowHistogram(s.Counts, rowTotals) : null,
                FilterNonZeros = KeepsLaneStatistics(s.Counts) ? FilterNonZeros(s.Counts, rowTotals) : null,
                RowNonZeroVariance = KeepsLaneStatistics(s.Counts) ? s.Moments.ChannelVariance() : null,
                RowTotalNonZeroVariance = KeepsLaneStatistics(s.Counts) ? s.Moments.TotalVariance() : null,
                FilterZeroHistogram = KeepsLaneStatistics(s.Counts) && KeepsFilterHistogram(s.Counts) ? FilterZeroHistogram(s.Counts, rowTotals) : null,
                RowNonZeroSamples = KeepsLaneStatistics(s.Counts) && s.Moments.Samples.Count > 0 ? s.Moments.Samples.ToArray() : null,
            });
        }
        return new SparsityProfile { Model = model.ModelName, Images = images, FixedPoint16 = model.FixedPointActivations, Layers = layers };
    }

    private static int SampleLimit(int rows, int channels)
    {
        long limit = Math.Min(SampleImages, MaxSampleValues / Math.Max(1L, (long)rows * channels));
        return limit >= MinSampleImages ? (int)limit : 0;
    }

    private static bool KeepsLaneStatistics(WindowCounts c) =>
        (long)c.Rows * c.Channels * (c.KernelSize + 1) + (long)c.Channels * c.FiltersPerGroup <= MaxLaneStatisticsValues;

    /// <summary>[r][c][z]: row r's share of channel c's (window, filter) pairs with z zero products.</summary>
    private static double[][][] RowHistogram(WindowCounts counts, long[] channelTotals)
    {
        int k = counts.KernelSize, channels = counts.Channels;
        var rows = new double[counts.Rows][][];
        for (int r = 0; r < rows.Length; r++)
        {
            rows[r] = new double[channels][];
            for (int c = 0; c < channels; c++)
            {
                var bins = rows[r][c] = new double[k + 1];
                if (channelTotals[c] == 0) continue;
                for (int z = 0; z <= k; z++) bins[z] = (double)counts.RowCounts[((long)r * channels + c) * (k + 1) + z] / channelTotals[c];
            }
        }
        return rows;
    }

    private static bool KeepsFilterHistogram(WindowCounts c) => (long)c.Channels * c.FiltersPerGroup * (c.KernelSize + 1) <= MaxLaneStatisticsValues;

    /// <summary>[c][j][z]: fraction of channel c's windows with z zero products against filter j of its group.</summary>
    private static double[][][] FilterZeroHistogram(WindowCounts counts, long[] channelTotals)
    {
        int filters = counts.FiltersPerGroup, bins = counts.KernelSize + 1;
        var table = new double[counts.Channels][][];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = new double[filters][];
            long windows = filters == 0 ? 0 : channelTotals[c] / filters;
            for (int j = 0; j < filters; j++)
            {
                table[c][j] = new double[bins];
                for (int z = 0; z < bins && windows > 0; z++) table[c][j][z] = (double)counts.FilterWindows(c, j, z) / windows;
            }
        }
        return table;
    }

    /// <summary>[c][j]: mean non-zero products per window of channel c against filter j of its group.</summary>
    private static double[][] FilterNonZeros(WindowCounts counts, long[] channelTotals)
    {
        int filters = counts.FiltersPerGroup;
        var table = new double[counts.Channels][];
        for (int c = 0; c < table.Length; c++)
        {
            table[c] = new double[filters];
            long windows = filters == 0 ? 0 : channelTotals[c] / filters;
            for (int j = 0; j < filters && windows > 0; j++) table[c][j] = (double)counts.FilterNonZeros(c, j) / windows;
        }
        return table;
    }
}
