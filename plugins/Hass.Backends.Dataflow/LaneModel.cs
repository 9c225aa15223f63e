using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>The design options that change per-node costs, fixed for one network model.</summary>
public sealed record CostSettings(bool LaneMax, bool SkipAllZeroWindows, int PointwiseClusters, long LutramMaxDepth, int UramMinBram18,
    int DataBits = Widths.Data, int WeightBits = Widths.Weight)
{
    public static CostSettings Default { get; } = From(new DesignOptions());

    public static CostSettings From(DesignOptions o) => new(
        o.SparseCycles switch
        {
            DesignOptions.LaneMaxCycles => true,
            DesignOptions.AverageCycles => false,
            _ => throw new ArgumentException($"design options: sparseCycles must be {DesignOptions.LaneMaxCycles} or {DesignOptions.AverageCycles} (got '{o.SparseCycles}')"),
        },
        o.SkipAllZeroWindows,
        o.PointwiseClusters >= 1 ? o.PointwiseClusters : throw new ArgumentException($"design options: pointwiseClusters must be ≥ 1 (got {o.PointwiseClusters})"),
        o.LutramMaxDepth >= 0 ? o.LutramMaxDepth : throw new ArgumentException($"design options: lutramMaxDepth must be ≥ 0 (got {o.LutramMaxDepth})"),
        o.UramMinBram18 >= 1 ? o.UramMinBram18 : throw new ArgumentException($"design options: uramMinBram18 must be ≥ 1 (got {o.UramMinBram18})"),
        Width(o.DataBits, Widths.Data, "dataBits"), Width(o.WeightBits, Widths.Weight, "weightBits"));

    private static int Width(int? bits, int fallback, string name) =>
        bits is null ? fallback : bits is 8 or 16 ? bits.Value : throw new ArgumentException($"design options: {name} must be 8 or 16 (got {bits})");

    /// <summary>Cycles of a window with z zero products among K at a vector dot of <paramref name="fine"/> multipliers.</summary>
    public double WindowCycles(int k, int zeros, int fine) => zeros < k ? (k - zeros + fine - 1) / fine : SkipAllZeroWindows ? 0 : 1;
}

/// <summary>Per-node caches of the lane-aware figure: row costs per fine, lane shares per coarse-out, stream lists.</summary>
internal sealed class LaneCache
{
    public readonly Dictionary<int, double[]> RowChannelCycles = new();
    public readonly Dictionary<(int Co, int Fine), double[]> LaneShares = new();
    public readonly Dictionary<int, double[]> RowChannelSpread = new();
    public readonly Dictionary<int, double[]> CyclesPerNonZero = new();
    public readonly Dictionary<(int Fine, int Streams), int[][]> Streams = new();
}

/// <summary>
/// The lane-aware sparse convolution figure: what a Sparse Vector Dot pipeline that resynchronises at every output row
/// pays. The S = ci·cg input streams (channels as the design interleaves them) and co output lanes (filter j of a
/// group on lane j mod co) form S·co vector-dot units; row r of unit (s, l) costs Σ_{c∈s} R[r,c]·λ[c,l], where R[r,c]
/// is channel c's expected cycles in row r over all its filters (from the per-row histogram) and λ[c,l] is lane l's
/// share of channel c's non-zero products (from the per-filter table). Row cycles = max(slowest unit, the row's share
/// of the input words per stream, the row's output words per output stream); layer cycles = Σ over rows. With the
/// profile's image-to-image variances the slowest unit is the expected maximum over streams (README, "Image-to-image spread").
/// </summary>
public static class LaneModel
{
    public static double Cycles(Node n, int ci, int co, int cg, int fine, int wr)
    {
        var rows = RowCycles(n, ci, co, cg, fine, wr);
        double total = 0;
        foreach (var r in rows) total += r;
        return Math.Ceiling(total - 1e-9);
    }

    /// <summary>Expected cycles of each output row (length Ho).</summary>
    public static double[] RowCycles(Node n, int ci, int co, int cg, int fine, int wr)
    {
        var images = ImageRowCycles(n, ci, co, cg, fine, wr);
        return images.Length == 1 ? images[0] : SampledRows.Mean(images);
    }

    /// <summary>
    /// [i][r]: cycles of output row r in each of the profile's sample images, or one row set of expected cycles (the same
    /// for every image) when the profile has no samples.
    /// </summary>
    public static double[][] ImageRowCycles(Node n, int ci, int co, int cg, int fine, int wr)
    {
        int s = ci * cg;
        var streams = StreamsOf(n, fine, s);
        var channelCycles = RowChannelCycles(n, fine);
        var shares = LaneShares(n, co, fine);
        double dataIn = (double)n.H * n.W * n.C / s / n.Ho;
        double dataOut = (double)n.Wo * n.F / wr / (co * cg);
        if (n.RowNonZeroSamples is { } samples) return SampledRows.ImageRowCycles(n, samples, streams, fine, channelCycles, shares, co, wr, dataIn, dataOut);
        var spread = RowChannelSpread(n, fine, channelCycles);
        var result = new double[n.Ho];
        var lanes = new double[co];
        var lanesVariance = new double[co];
        for (int r = 0; r < n.Ho; r++)
        {
            var slowest = new ExpectedMaximum();
            int rowBase = r * n.C;
            foreach (var stream in streams)
            {
                Array.Clear(lanes);
                Array.Clear(lanesVariance);
                foreach (var c in stream)
                {
                    double cycles = channelCycles[rowBase + c];
                    if (cycles == 0) continue;
                    int shareBase = c * co;
                    double variance = spread?[rowBase + c] ?? 0;
                    for (int l = 0; l < co; l++)
                    {
                        double share = shares[shareBase + l];
                        lanes[l] += cycles * share;
                        lanesVariance[l] += variance * share * share;
                    }
                }
                // The lanes of one stream see the same activations, so they move together: the stream's slowest
                // expected lane stands for it; streams see different channels and vary independently of each other.
                int lane = 0;
                for (int l = 1; l < co; l++) if (lanes[l] > lanes[lane]) lane = l;
                slowest.Add(lanes[lane], lanesVariance[lane]);
            }
            result[r] = Math.Max(slowest.Mean / wr, Math.Max(dataIn, dataOut));
        }
        return [result];
    }

    /// <summary>
    /// [r·C + c]: the image-to-image variance of channel c's cycles in row r that is not shared with the other channels
    /// (null without the profile's variances): the channel's variance of non-zero products, scaled to cycles by its
    /// cycles per non-zero product at this fine, times 1 − ρ, where ρ (the mean correlation between the row's channels)
    /// comes from the variance of the row's total. The shared part moves every stream alike and leaves the maximum alone.
    /// </summary>
    private static double[]? RowChannelSpread(Node n, int fine, double[] channelCycles)
    {
        if (n.RowNonZeroVariance is not { } variance || n.RowTotalNonZeroVariance is not { } total || n.RowHistogram is not { } rows) return null;
        if (n.Lanes.RowChannelSpread.TryGetValue(fine, out var cached)) return cached;
        int k = n.K;
        double pairsPerImage = (double)n.Ho * n.Wo * (n.F / n.G);
        var table = new double[n.Ho * n.C];
        for (int r = 0; r < n.Ho; r++)
        {
            double sumVariance = 0, sumDeviation = 0;
            for (int c = 0; c < n.C; c++) { sumVariance += variance[r][c]; sumDeviation += Math.Sqrt(variance[r][c]); }
            double shared = sumDeviation * sumDeviation - sumVariance;
            double rho = shared > 0 ? Math.Clamp((total[r] - sumVariance) / shared, 0, 1) : 0;
            for (int c = 0; c < n.C; c++)
            {
                double nonZeros = 0;
                for (int z = 0; z < k; z++) nonZeros += (k - z) * rows[r][c][z];
                nonZeros *= pairsPerImage;
                if (nonZeros <= 0) continue;
                double cyclesPerNonZero = channelCycles[r * n.C + c] / nonZeros;
                table[r * n.C + c] = variance[r][c] * cyclesPerNonZero * cyclesPerNonZero * (1 - rho);
            }
        }
        n.Lanes.RowChannelSpread[fine] = table;
        return table;
    }

    /// <summary>The channels of every input stream as the design assigns them ("opt" snake for k×k, naive for 1×1).</summary>
    public static int[][] StreamsOf(Node n, int fine, int streams)
    {
        if (n.Lanes.Streams.TryGetValue((fine, streams), out var cached)) return cached;
        var lists = n.Implementation == NodeImplementation.PointwiseSparseConv
            ? SparseInterleaving.NaiveStreams(n.C, streams)
            : SparseInterleaving.SparseStreamCycles(n, fine, streams, withChannels: true).Streams;
        n.Lanes.Streams[(fine, streams)] = lists;
        return lists;
    }

    /// <summary>[r·C + c]: expected cycles of channel c in output row r over all its filters, per image.</summary>
    private static double[] RowChannelCycles(Node n, int fine)
    {
        if (n.Lanes.RowChannelCycles.TryGetValue(fine, out var cached)) return cached;
        var hist = n.Histogram ?? throw new InvalidOperationException($"{n} has no histogram");
        int k = n.K;
        var binCycles = new double[k + 1];
        for (int z = 0; z <= k; z++) binCycles[z] = n.Settings.WindowCycles(k, z, fine);
        double pairsPerImage = (double)n.Ho * n.Wo * (n.F / n.G);
        var table = new double[n.Ho * n.C];
        for (int r = 0; r < n.Ho; r++)
            for (int c = 0; c < n.C; c++)
            {
                // Without a per-row histogram every row gets an equal share of the channel's histogram.
                var bins = n.RowHistogram?[r][c] ?? hist[c];
                double scale = n.RowHistogram is null ? 1.0 / n.Ho : 1.0;
                double e = 0;
                for (int z = 0; z <= k; z++) e += binCycles[z] * bins[z];
                table[r * n.C + c] = e * scale * pairsPerImage;
            }
        n.Lanes.RowChannelCycles[fine] = table;
        return table;
    }

    /// <summary>
    /// [c·co + l]: lane l's share of channel c's cycles at this fine: from the per-filter zero histogram when the profile
    /// has it (exact for the channel's windows as a whole), else its share of the non-zero products (exact at fine 1),
    /// else equal shares.
    /// </summary>
    private static double[] LaneShares(Node n, int co, int fine)
    {
        if (n.Lanes.LaneShares.TryGetValue((co, fine), out var cached)) return cached;
        var shares = new double[n.C * co];
        var filterCycles = new double[n.F / n.G];
        for (int c = 0; c < n.C; c++)
        {
            bool known = FilterCycles(n, c, fine, filterCycles);
            double total = known ? filterCycles.Sum() : 0;
            for (int l = 0; l < co; l++)
            {
                if (total <= 0) { shares[c * co + l] = 1.0 / co; continue; }
                double lane = 0;
                for (int j = l; j < filterCycles.Length; j += co) lane += filterCycles[j];
                shares[c * co + l] = lane / total;
            }
        }
        n.Lanes.LaneShares[(co, fine)] = shares;
        return shares;
    }

    /// <summary>Fills each filter's mean cycles (or non-zero products) per window of channel c; false without either table.</summary>
    private static bool FilterCycles(Node n, int c, int fine, double[] cycles)
    {
        if (n.FilterZeroHistogram?[c] is { } histogram)
        {
            for (int j = 0; j < cycles.Length; j++)
            {
                double e = 0;
                for (int z = 0; z <= n.K; z++) e += n.Settings.WindowCycles(n.K, z, fine) * histogram[j][z];
                cycles[j] = e;
            }
            return true;
        }
        if (n.FilterNonZeros?[c] is not { } nonZeros) return false;
        nonZeros.CopyTo(cycles, 0);
        return true;
    }
}
