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
    public readonly Dictionary<int, (double[] Cycles, bool[] Known)> FilterCycles = new();
    public readonly Dictionary<(int Streams, int Co, int Fine), double[][]> SlowestStreams = new();
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
        double dataIn = (double)n.H * n.W * n.C / s / n.Ho;
        double dataOut = (double)n.Wo * n.F / wr / (co * cg);
        double data = Math.Max(dataIn, dataOut);
        var slowest = SlowestStreams(n, s, co, fine);
        var result = new double[slowest.Length][];
        for (int i = 0; i < slowest.Length; i++)
        {
            result[i] = new double[n.Ho];
            for (int r = 0; r < n.Ho; r++) result[i][r] = Math.Max(slowest[i][r] / wr, data);
        }
        return result;
    }

    /// <summary>
    /// [i][r]: the cycles of the slowest of <paramref name="s"/> streams in row r, per sample image or expected: what the
    /// weights-reloading factor and the data rates leave alone. Kept per (streams, co, fine) for the node's life (one
    /// DSE): the cost asks for each folding twice (weights in BRAM and in URAM), the pipeline timing again, and every
    /// reloading factor shares it. About 40 MB for a ResNet-50 DSE with 128 sample images per layer.
    /// </summary>
    private static double[][] SlowestStreams(Node n, int s, int co, int fine)
    {
        if (n.Lanes.SlowestStreams.TryGetValue((s, co, fine), out var cached)) return cached;
        var streams = StreamsOf(n, fine, s);
        var channelCycles = RowChannelCycles(n, fine);
        var shares = LaneShares(n, co, fine);
        var rows = n.RowNonZeroSamples is { } samples
            ? SampledRows.SlowestStreams(n, samples, streams, fine, channelCycles, shares, co)
            : [ExpectedSlowestStreams(n, streams, fine, channelCycles, shares, co)];
        n.Lanes.SlowestStreams[(s, co, fine)] = rows;
        return rows;
    }

    private static double[] ExpectedSlowestStreams(Node n, int[][] streams, int fine, double[] channelCycles, double[] shares, int co)
    {
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
                    var laneShares = shares.AsSpan(c * co, co);
                    LaneSums.AddScaled(lanes, laneShares, cycles);
                    if (spread is not null) LaneSums.AddScaledSquares(lanesVariance, laneShares, spread[rowBase + c]);
                }
                // The lanes of one stream see the same activations, so they move together: the stream's slowest
                // expected lane stands for it; streams see different channels and vary independently of each other.
                int lane = 0;
                for (int l = 1; l < co; l++) if (lanes[l] > lanes[lane]) lane = l;
                slowest.Add(lanes[lane], lanesVariance[lane]);
            }
            result[r] = slowest.Mean;
        }
        return result;
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
        int filters = n.F / n.G;
        var (filterCycles, known) = FilterCycles(n, fine);
        for (int c = 0; c < n.C; c++)
        {
            int first = c * filters;
            double total = 0;
            if (known[c]) for (int j = 0; j < filters; j++) total += filterCycles[first + j];
            var lanes = shares.AsSpan(c * co, co);
            if (total <= 0) { lanes.Fill(1.0 / co); continue; }
            // Filter j runs on lane j mod co: add the filters co at a time, each lane's in the order of j.
            for (int j = 0; j < filters; j += co) LaneSums.Add(lanes, filterCycles.AsSpan(first + j, co));
            for (int l = 0; l < co; l++) lanes[l] /= total;
        }
        n.Lanes.LaneShares[(co, fine)] = shares;
        return shares;
    }

    /// <summary>
    /// [c·(F/G) + j]: filter j's mean cycles (or non-zero products) per window of channel c at this fine, and for each
    /// channel whether either table has it.
    /// </summary>
    private static (double[] Cycles, bool[] Known) FilterCycles(Node n, int fine)
    {
        if (n.Lanes.FilterCycles.TryGetValue(fine, out var cached)) return cached;
        int filters = n.F / n.G, k = n.K;
        var binCycles = new double[k + 1];
        for (int z = 0; z <= k; z++) binCycles[z] = n.Settings.WindowCycles(k, z, fine);
        var cycles = new double[n.C * filters];
        var known = new bool[n.C];
        for (int c = 0; c < n.C; c++)
        {
            if (n.FilterZeroHistogram?[c] is { } histogram)
            {
                for (int j = 0; j < filters; j++)
                {
                    double e = 0;
                    for (int z = 0; z <= k; z++) e += binCycles[z] * histogram[j][z];
                    cycles[c * filters + j] = e;
                }
                known[c] = true;
            }
            else if (n.FilterNonZeros?[c] is { } nonZeros)
            {
                Array.Copy(nonZeros, 0, cycles, c * filters, filters);
                known[c] = true;
            }
        }
        n.Lanes.FilterCycles[fine] = (cycles, known);
        return (cycles, known);
    }
}
