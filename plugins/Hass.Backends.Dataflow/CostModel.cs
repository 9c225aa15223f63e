using Hass.Abstractions;
using static Hass.Backends.Dataflow.ResourcePrimitives;

namespace Hass.Backends.Dataflow;

/// <summary>Resources as mutable doubles for fast accumulation (BRAM in BRAM18, URAM in 288 Kb blocks).</summary>
public struct Resources
{
    public double Dsp, Bram18, Uram, Lut, Ff;

    public Resources(double dsp, double bram18, double uram, double lut, double ff)
    {
        Dsp = dsp; Bram18 = bram18; Uram = uram; Lut = lut; Ff = ff;
    }

    public static Resources operator +(Resources a, Resources b) => new(a.Dsp + b.Dsp, a.Bram18 + b.Bram18, a.Uram + b.Uram, a.Lut + b.Lut, a.Ff + b.Ff);
    public static Resources operator -(Resources a, Resources b) => new(a.Dsp - b.Dsp, a.Bram18 - b.Bram18, a.Uram - b.Uram, a.Lut - b.Lut, a.Ff - b.Ff);
    public static Resources Max(Resources a, Resources b) => new(Math.Max(a.Dsp, b.Dsp), Math.Max(a.Bram18, b.Bram18), Math.Max(a.Uram, b.Uram), Math.Max(a.Lut, b.Lut), Math.Max(a.Ff, b.Ff));
    public readonly ResourceUsage ToUsage() => new(Dsp, Bram18, Uram, Math.Ceiling(Lut), Math.Ceiling(Ff));
    public override readonly string ToString() => $"DSP {Dsp:F0}, BRAM18 {Bram18:F0}, URAM {Uram:F0}, LUT {Lut:F0}, FF {Ff:F0}";
}

/// <summary>Cost of one node at one folding.</summary>
public readonly record struct NodeCost(double Cycles, int StreamsIn, int StreamsOut, Resources Resources, double WeightMemoryBram18, double WeightMemoryUram);

/// <summary>
/// The corrected fpgaConvNet layer models (cost-model §1, §2): cycles per image and resources of one node at one
/// folding. Results are cached per node and folding; the model is pure, so the cache never goes stale.
/// </summary>
public static class CostModel
{
    private const int Dw = Widths.Data, Ww = Widths.Weight, Aw = Widths.Accumulator;

    /// <summary>Cost of <paramref name="node"/> at <paramref name="folding"/>; weights in URAM when <paramref name="weightsInUram"/>.</summary>
    public static NodeCost Evaluate(Node node, LayerFolding folding, bool weightsInUram = false) =>
        Evaluate(node, folding.CoarseIn, folding.CoarseOut, folding.CoarseGroup, folding.Fine, folding.WeightsReloading, weightsInUram);

    public static NodeCost Evaluate(Node node, int ci, int co, int cg, int fine, int wr, bool weightsInUram)
    {
        long key = ((long)ci << 44) | ((long)co << 24) | ((long)cg << 12) | ((long)(fine & 0x7F) << 5) | ((long)Math.Min(wr, 15) << 1) | (weightsInUram ? 1L : 0L);
        bool cacheable = ci < (1 << 20) && co < (1 << 20) && cg < (1 << 12) && fine < 128 && wr < 16;
        if (cacheable && node.CostCache.TryGetValue(key, out var cached)) return cached;
        var cost = node.Implementation switch
        {
            NodeImplementation.Input => new NodeCost(0, node.C, node.C, default, 0, 0),
            NodeImplementation.DenseConv or NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv or NodeImplementation.Linear =>
                WeightLayer(node, ci, co, cg, fine, wr, weightsInUram),
            NodeImplementation.Pool => Pool(node, ci),
            NodeImplementation.GlobalPool => GlobalPool(node, ci),
            NodeImplementation.Activation => Activation(node, ci),
            NodeImplementation.EltwiseAdd or NodeImplementation.EltwiseMul or NodeImplementation.Concat => Merge(node, ci),
            NodeImplementation.Flatten => new NodeCost((double)node.InputWords / ci, ci, ci, default, 0, 0),
            _ => throw new InvalidOperationException($"no cost model for {node}"),
        };
        cost = cost with { Resources = cost.Resources + ForkResources(node, cost.StreamsOut) };
        if (cacheable) node.CostCache[key] = cost;
        return cost;
    }

    /// <summary>Cycles per image of a conv or linear layer (corrected model, see the plugin README).</summary>
    public static double WeightLayerCycles(Node n, int ci, int co, int cg, int fine, int wr)
    {
        int s = ci * cg;
        double filters = (double)n.F / wr;
        double dataIn = (double)n.Hp * n.Wp * n.C / s;
        double dataOut = (double)n.Ho * n.Wo * filters / (co * cg);
        switch (n.Implementation)
        {
            case NodeImplementation.Linear:
                // vector dot: C/ci inputs × F/co filters per lane; the input words are C/ci per stream (no H·W·C floor).
                return Math.Max((double)n.C / ci * (filters / co), Math.Max((double)n.C / ci, filters / co));
            case NodeImplementation.DenseConv:
            {
                double compute = (double)n.Ho * n.Wo * ((double)n.C * n.K / (fine * s)) * (filters / (co * n.G));
                return Math.Max(compute, Math.Max(dataIn, dataOut));
            }
            case NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv when n.Settings.LaneMax:
                return LaneModel.Cycles(n, ci, co, cg, fine, wr);
            case NodeImplementation.SparseConv:
            {
                double workload = (double)n.Ho * n.Wo * ((double)n.C / s) * (filters / (co * n.G));
                double op = workload * SparseStreamCycles(n, fine, s).Max;
                return Math.Ceiling(Math.Max(op, Math.Max(dataIn, dataOut)) - 1e-9);
            }
            case NodeImplementation.PointwiseSparseConv:
            {
                double workload = (double)n.Ho * n.Wo * ((double)n.C / s) * (filters / (co * n.G));
                return Math.Ceiling(Math.Max(workload * PointwiseBusyFraction(n, s), Math.Max(dataIn, dataOut)) - 1e-9);
            }
            default:
                throw new InvalidOperationException($"{n} is not a weight layer");
        }
    }

    /// <summary>
    /// Pointwise sparse, average figure: the naive streams cut into clusters of S/clusters streams (clusters = the largest
    /// divisor of S not above the option), each skipping its mean zero fraction clipped at 1 − 1/(S/clusters); the
    /// slowest cluster sets the pace. Without all-zero skipping nothing is skipped.
    /// </summary>
    private static double PointwiseBusyFraction(Node n, int s)
    {
        if (!n.Settings.SkipAllZeroWindows) return 1.0;
        int clusters = Math.Max(1, Math.Min(n.Settings.PointwiseClusters, s));
        while (s % clusters != 0) clusters--;
        int per = s / clusters;
        if (clusters == 1) return 1 - Math.Min(n.MeanZeroFraction, 1.0 - 1.0 / s);
        var hist = n.Histogram ?? throw new InvalidOperationException($"{n} has no histogram");
        double busiest = 0;
        for (int k = 0; k < clusters; k++)
        {
            double zeros = 0;
            int channels = 0;
            for (int stream = k * per; stream < (k + 1) * per; stream++)
                for (int c = stream; c < n.C; c += s) { zeros += hist[c][1]; channels++; }
            busiest = Math.Max(busiest, 1 - Math.Min(zeros / channels, 1.0 - 1.0 / per));
        }
        return busiest;
    }

    /// <summary>
    /// Sparse Vector Dot with "opt" interleaving: channels sorted slowest first, written row-major into a (C/S)×S grid
    /// with every odd row reversed (snake); stream s takes column s. Returns the slowest stream's expected cycles per
    /// window (the mean of its channels' e[c]) and the channel list of every stream.
    /// </summary>
    public static (double Max, int[][] Streams) SparseStreamCycles(Node n, int fine, int streams, bool withChannels = false)
    {
        var order = SparseOrderFor(n, fine);
        int rows = n.C / streams;
        double max = 0;
        int[][] lists = withChannels ? new int[streams][] : [];
        for (int s = 0; s < streams; s++)
        {
            double sum = 0;
            int[]? list = withChannels ? new int[rows] : null;
            for (int r = 0; r < rows; r++)
            {
                int column = (r & 1) == 0 ? s : streams - 1 - s;
                int channel = order.Order[r * streams + column];
                sum += order.Expected[channel];
                if (list is not null) list[r] = channel;
            }
            if (list is not null) lists[s] = list;
            max = Math.Max(max, sum / rows);
        }
        return (max, lists);
    }

    private static SparseOrder SparseOrderFor(Node n, int fine)
    {
        var hist = n.Histogram ?? throw new InvalidOperationException($"{n} has no histogram");
        n.SparseOrders ??= new SparseOrder?[n.K + 1];
        var cached = n.SparseOrders[fine];
        if (cached is not null) return cached;
        int k = n.K;
        var cyclesPerBin = new double[k + 1];
        for (int z = 0; z < k; z++) cyclesPerBin[z] = CeilDiv(k - z, fine);
        cyclesPerBin[k] = n.Settings.SkipAllZeroWindows ? 0 : 1;
        var expected = new double[n.C];
        for (int c = 0; c < n.C; c++)
        {
            double e = 0;
            var row = hist[c];
            for (int z = 0; z <= k; z++) e += cyclesPerBin[z] * row[z];
            expected[c] = e;
        }
        // Slowest first; equal e[c] may come in any (deterministic) order, which cannot change any stream's mean.
        var order = new int[n.C];
        var keys = new double[n.C];
        for (int c = 0; c < order.Length; c++) { order[c] = c; keys[c] = -expected[c]; }
        Array.Sort(keys, order);
        var result = new SparseOrder(expected, order);
        n.SparseOrders[fine] = result;
        return result;
    }

    /// <summary>Naive interleaving (channel c on stream c mod S), used by the pointwise sparse layer.</summary>
    public static int[][] NaiveStreams(int channels, int streams)
    {
        var lists = new int[streams][];
        for (int s = 0; s < streams; s++)
        {
            var list = new int[channels / streams];
            for (int r = 0; r < list.Length; r++) list[r] = r * streams + s;
            lists[s] = list;
        }
        return lists;
    }

    private static NodeCost WeightLayer(Node n, int ci, int co, int cg, int fine, int wr, bool uram)
    {
        double cycles = WeightLayerCycles(n, ci, co, cg, fine, wr);
        bool sparse = n.IsSparse;
        int s = ci * cg;                 // input streams
        int lanes = ci * co * cg;        // vector-dot lanes, each with `fine` multipliers
        long multipliers = (long)lanes * fine;
        int cs = n.C / s;                // channels per input stream
        long filters = n.F / wr;
        long fv = filters / ((long)co * n.G);
        long accumChannels = sparse ? cs : (long)n.C * n.K / ((long)fine * s);
        var r = new Resources();

        // Vector dot: DSP exactly ci·co·cg·fine·dsp_mult(dw, ww) (×0.5/×0.25 for narrow types), then adder trees.
        r.Dsp = Math.Ceiling(multipliers * DspPerMultiplier(Dw, Ww) * NarrowMultiplierScale(Dw, Ww));
        int fineBits = Int2Bits(fine) + 1;
        if (sparse)
        {
            // Unpacked: one sparse vector dot per lane (zero detection, non-zero selection, adder tree).
            r.Lut += lanes * (18.0 * fine + 15 + 4 + 0.2 * fineBits);
            r.Ff += lanes * (33.0 * fineBits + 18.0 * fine);
        }
        else
        {
            r.Lut += 31.0 * multipliers + 2.6 * fine + 4.5 * LutramQueue(fineBits, (long)lanes * Aw);
            r.Ff += 48.0 * multipliers + 21.0 * fineBits;
        }

        if (n.Implementation != NodeImplementation.Linear)
        {
            // Pad + sliding window + squeeze(K→fine): one packed instance (dense) or ci·cg unpacked instances (sparse).
            int instances = sparse ? s : 1;
            int st = sparse ? 1 : s;
            r += SlidingWindow(st, cs, n.Wp, n.Kh, n.Kw).Times(instances);
            r += new Resources(0, 0, 0, 16, 35).Times(instances);
            if (fine < n.K) r += Squeeze(st, n.K, fine).Times(instances);
        }
        // Fork to the co output lanes.
        if (co > 1) r += new Resources(0, 0, 0, 0.5 * s * Dw * fine + 5, 12.0 * s * fine + 3);
        // Accumulator (partial sums of Fv filters per lane) and glue (sum over ci).
        if (accumChannels > 1) r += new Resources(0, 0, 0, 170.0 * lanes + 0.54 * lanes * fv, 103.0 * lanes);
        if (ci > 1) r += new Resources(0, 0, 0, 1.26 * co * cg * Aw * ci, 9.5 * ci + 1.03 * co * cg * Aw * ci);
        if (n.Layer.HasBias)
        {
            r += new Resources(0, 0, 0, 0.8 * co * cg * Dw, 2.2 * co * cg * Dw);
            r += Memory(CeilDiv(filters, (long)co * cg), (long)Aw * co * cg, false, n.Settings.LutramMaxDepth);
        }

        // Weights: depth D = weights/(lanes·fine); packed (dense) one D×(ww·lanes·fine) array, unpacked (sparse) one per multiplier.
        long weights = filters * (n.C / n.G) * n.K;
        long depth = CeilDiv(weights, multipliers);
        long lutramDepth = n.Settings.LutramMaxDepth;
        var weightMemory = sparse ? Memory(depth, Ww, uram, lutramDepth).Times(multipliers) : Memory(depth, Ww * multipliers, uram, lutramDepth);
        r += weightMemory;
        return new NodeCost(cycles, n.Implementation == NodeImplementation.Linear ? ci : s,
            n.Implementation == NodeImplementation.Linear ? co : co * cg, r, weightMemory.Bram18, weightMemory.Uram);
    }

    /// <summary>Memories this shallow are distributed RAM (one LUT per bit of width), as synthesis maps them.</summary>
    public const long MaxLutramDepth = 64;

    /// <summary>
    /// A RAM of depth×width bits: URAM if asked, else BRAM18, else distributed LUTRAM when it is too small for a block
    /// (under 1024 bits) or at most <see cref="MaxLutramDepth"/> deep (a shallow, wide memory would waste a BRAM18
    /// per 36 bits of width).
    /// </summary>
    public static Resources Memory(long depth, long width, bool uram, long lutramMaxDepth = MaxLutramDepth)
    {
        if (depth <= 0 || width <= 0) return default;
        if (uram) return new Resources(0, 0, UramArray(depth, width), 0, 0);
        long bram = depth <= lutramMaxDepth ? 0 : BramMemory(depth, width);
        return bram > 0 ? new Resources(0, bram, 0, 0, 0) : new Resources(0, 0, 0, LutramMemory(depth, width), 0);
    }

    /// <summary>A FIFO of depth×width bits: BRAM18 when large enough, else a LUTRAM queue.</summary>
    public static Resources Fifo(long depth, long width)
    {
        if (depth <= 0 || width <= 0) return default;
        long bram = BramFifo(depth, width);
        return bram > 0 ? new Resources(0, bram, 0, 0, 0) : new Resources(0, 0, 0, LutramQueue(depth, width), 0);
    }

    /// <summary>Sliding window with <paramref name="st"/> streams: line buffers, window buffers, frame registers.</summary>
    public static Resources SlidingWindow(int st, long channelsPerStream, int paddedCols, int kh, int kw)
    {
        if (kh * kw == 1) return default;
        var r = new Resources();
        if (kh > 1) r += Fifo(channelsPerStream * paddedCols, (long)(kh - 1) * st * Dw);
        if (kw > 1) r += Fifo(channelsPerStream, (long)(kw - 1) * st * Dw).Times(kh);
        r.Lut += kh * kw * LutramQueue(2, (long)st * Dw);
        r.Lut += (double)st * Dw * (6.5 + 3.9 * (kh - 1) + 2.5 * kh * (kw - 1));
        r.Ff += 21.0 * Int2Bits(channelsPerStream) + (double)st * Dw * (5.2 * (kh - 1) + 3.4 * kh * (kw - 1));
        return r;
    }

    /// <summary>Squeeze of K window words down to <paramref name="fine"/> per cycle (buffer of lcm(K, fine) words).</summary>
    public static Resources Squeeze(int st, int kernel, int fine)
    {
        long buffer = Lcm(kernel, fine);
        return new Resources(0, 0, 0, 2.2 * st * Dw * buffer + 236.0 * kernel + 3.3 * st * Dw * fine, 16.0 * buffer + 3.5 * st * Dw * fine + 1085);
    }

    /// <summary>Stream-width converter inserted between mismatched stream counts (and at partition I/O).</summary>
    public static Resources StreamSqueeze(int from, int to) =>
        from == to ? default : new Resources(0, 0, 0, (double)Dw * (from + to), 2.0 * Dw * (from + to));

    private static Resources ForkResources(Node n, int streams) =>
        n.Consumers.Count > 1 ? new Resources(0, 0, 0, 0.5 * Dw * streams * n.Consumers.Count + 5, 12.0 * streams * n.Consumers.Count + 3) : default;

    private static NodeCost Pool(Node n, int coarse)
    {
        double cycles = Math.Max((double)n.Hp * n.Wp * n.C / coarse, (double)n.Ho * n.Wo * n.C / coarse);
        var r = SlidingWindow(coarse, n.C / coarse, n.Wp, n.Kh, n.Kw) + new Resources(0, 0, 0, 16, 35);
        r.Lut += 2.5 * n.K + 0.9 * coarse * Dw * n.K;
        r.Ff += 0.2 * coarse * Dw + 2.2 * coarse * Dw * n.K + 5.4 * Int2Bits(n.K);
        if (n.Kind == LayerKind.AvgPool) r.Dsp += coarse * DspPerMultiplier(Dw, Dw); // scale by 1/K
        return new NodeCost(cycles, coarse, coarse, r, 0, 0);
    }

    private static NodeCost GlobalPool(Node n, int coarse)
    {
        // Corrected latency: every one of the H·W·C/coarse words passes through (the reference uses C/coarse).
        double cycles = (double)n.H * n.W * n.C / coarse;
        var r = Memory(n.C / coarse, Aw, false, n.Settings.LutramMaxDepth).Times(coarse);
        r.Lut += coarse * 28.0 * Aw;
        r.Ff += coarse * 2.0 * Aw;
        r.Dsp += coarse * DspPerMultiplier(Dw, Aw);
        return new NodeCost(cycles, coarse, coarse, r, 0, 0);
    }

    private static NodeCost Activation(Node n, int coarse)
    {
        double cycles = (double)n.H * n.W * n.C / coarse;
        var per = n.Kind switch
        {
            LayerKind.ReLU => new Resources(0, 0, 0, 16, 35),
            LayerKind.ReLU6 => new Resources(0, 0, 0, 24, 35),
            LayerKind.Hardsigmoid => new Resources(DspPerMultiplier(Dw, Dw), 0, 0, 40, 50),
            LayerKind.Hardswish => new Resources(5, 0, 0, 16, 35),
            _ => throw new InvalidOperationException($"{n} is not an activation"),
        };
        return new NodeCost(cycles, coarse, coarse, per.Times(coarse), 0, 0);
    }

    private static NodeCost Merge(Node n, int coarse)
    {
        var r = new Resources();
        double words;
        if (n.Implementation == NodeImplementation.Concat)
        {
            words = (double)n.H * n.W * n.C;
            r.Lut += 20.0 * coarse * n.Inputs.Length;
            r.Ff += 40.0 * coarse * n.Inputs.Length;
        }
        else
        {
            words = (double)n.H * n.W * n.C;
            r += new Resources(n.Implementation == NodeImplementation.EltwiseMul ? DspPerMultiplier(Dw, Dw) : 0, 0, 0, 49, 23).Times(coarse);
            if (n.HasBroadcastInput)
                r += Fifo(n.C / coarse, Dw).Times(coarse); // the broadcast (squeeze-excite) vector
        }
        foreach (var fifoWords in n.PortFifoWords)
            if (fifoWords > 0) r += Fifo(CeilDiv((long)fifoWords, coarse) + 2, Dw).Times(coarse);
        return new NodeCost(words / coarse, coarse, coarse, r, 0, 0);
    }

    private static Resources Times(this Resources r, double k) => new(r.Dsp * k, r.Bram18 * k, r.Uram * k, r.Lut * k, r.Ff * k);
}
