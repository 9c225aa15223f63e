using Hass.Abstractions;
using static Hass.Backends.Dataflow.HardwareBlocks;
using static Hass.Backends.Dataflow.ResourcePrimitives;

namespace Hass.Backends.Dataflow;

/// <summary>
/// The corrected fpgaConvNet layer models (cost-model §1, §2): cycles per image and resources of one node at one
/// folding. Results are cached per node and folding; the model is pure, so the cache never goes stale.
/// </summary>
public static class CostModel
{

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
                double op = workload * SparseInterleaving.SparseStreamCycles(n, fine, s).Max;
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
    /// The fewest cycles per image <paramref name="n"/> takes at this folding whatever its zeros. A sparse conv that
    /// skipped every product would still stream its input and output words (the same data-rate terms as
    /// <see cref="WeightLayerCycles"/>), and without all-zero skipping every window still costs a cycle; every other
    /// implementation takes its cycles, zeros or not.
    /// </summary>
    public static double FloorCycles(Node n, LayerFolding f)
    {
        if (n.Implementation is not (NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv)) return Evaluate(n, f).Cycles;
        int s = f.CoarseIn * f.CoarseGroup;
        double filters = (double)n.F / f.WeightsReloading;
        double dataOut = (double)n.Ho * n.Wo * filters / (f.CoarseOut * f.CoarseGroup);
        double floor = n.Settings.LaneMax
            ? Math.Max((double)n.H * n.W * n.C / s, dataOut)
            : Math.Ceiling(Math.Max((double)n.Hp * n.Wp * n.C / s, dataOut) - 1e-9);
        double windows = (double)n.Ho * n.Wo * ((double)n.C / s) * (filters / (f.CoarseOut * n.G));
        if (!n.Settings.SkipAllZeroWindows) return Math.Max(floor, windows);
        // fpgaConvNet's average pointwise figure keeps one stream of every cluster busy, however many zeros.
        bool clipped = n.Implementation == NodeImplementation.PointwiseSparseConv && !n.Settings.LaneMax;
        return clipped ? Math.Ceiling(Math.Max(floor, windows * PointwiseClusters(n, s) / s) - 1e-9) : floor;
    }

    /// <summary>
    /// Pointwise sparse, average figure: the naive streams cut into clusters of S/clusters streams (clusters = the largest
    /// divisor of S not above the option), each skipping its mean zero fraction clipped at 1 − 1/(S/clusters); the
    /// slowest cluster sets the pace. Without all-zero skipping nothing is skipped.
    /// </summary>
    private static double PointwiseBusyFraction(Node n, int s)
    {
        if (!n.Settings.SkipAllZeroWindows) return 1.0;
        int clusters = PointwiseClusters(n, s);
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

    /// <summary>The largest divisor of the <paramref name="s"/> streams not above the option.</summary>
    private static int PointwiseClusters(Node n, int s)
    {
        int clusters = Math.Max(1, Math.Min(n.Settings.PointwiseClusters, s));
        while (s % clusters != 0) clusters--;
        return clusters;
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
        r.Dsp = Math.Ceiling(multipliers * DspPerMultiplier(n.Settings.DataBits, n.Settings.WeightBits) * NarrowMultiplierScale(n.Settings.DataBits, n.Settings.WeightBits));
        int fineBits = Int2Bits(fine) + 1;
        if (sparse)
        {
            // Unpacked: one sparse vector dot per lane (zero detection, non-zero selection, adder tree).
            r.Lut += lanes * (18.0 * fine + 15 + 4 + 0.2 * fineBits);
            r.Ff += lanes * (33.0 * fineBits + 18.0 * fine);
        }
        else
        {
            r.Lut += 31.0 * multipliers + 2.6 * fine + 4.5 * LutramQueue(fineBits, (long)lanes * Widths.Accumulator);
            r.Ff += 48.0 * multipliers + 21.0 * fineBits;
        }

        if (n.Implementation != NodeImplementation.Linear)
        {
            // Pad + sliding window + squeeze(K→fine): one packed instance (dense) or ci·cg unpacked instances (sparse).
            int instances = sparse ? s : 1;
            int st = sparse ? 1 : s;
            r += SlidingWindow(st, cs, n.Wp, n.Kh, n.Kw, n.Settings.DataBits).Times(instances);
            r += new Resources(0, 0, 0, 16, 35).Times(instances);
            if (fine < n.K) r += Squeeze(st, n.K, fine, n.Settings.DataBits).Times(instances);
        }
        // Fork to the co output lanes.
        if (co > 1) r += new Resources(0, 0, 0, 0.5 * s * n.Settings.DataBits * fine + 5, 12.0 * s * fine + 3);
        // Accumulator (partial sums of Fv filters per lane) and glue (sum over ci).
        if (accumChannels > 1) r += new Resources(0, 0, 0, 170.0 * lanes + 0.54 * lanes * fv, 103.0 * lanes);
        if (ci > 1) r += new Resources(0, 0, 0, 1.26 * co * cg * Widths.Accumulator * ci, 9.5 * ci + 1.03 * co * cg * Widths.Accumulator * ci);
        if (n.Layer.HasBias)
        {
            r += new Resources(0, 0, 0, 0.8 * co * cg * n.Settings.DataBits, 2.2 * co * cg * n.Settings.DataBits);
            r += Memory(CeilDiv(filters, (long)co * cg), (long)Widths.Accumulator * co * cg, false, n.Settings.LutramMaxDepth);
        }

        // Weights: depth D = weights/(lanes·fine); packed (dense) one D×(ww·lanes·fine) array, unpacked (sparse) one per multiplier.
        long weights = filters * (n.C / n.G) * n.K;
        long depth = CeilDiv(weights, multipliers);
        long lutramDepth = n.Settings.LutramMaxDepth;
        var weightMemory = sparse ? Memory(depth, n.Settings.WeightBits, uram, lutramDepth).Times(multipliers) : Memory(depth, n.Settings.WeightBits * multipliers, uram, lutramDepth);
        r += weightMemory;
        return new NodeCost(cycles, n.Implementation == NodeImplementation.Linear ? ci : s,
            n.Implementation == NodeImplementation.Linear ? co : co * cg, r, weightMemory.Bram18, weightMemory.Uram);
    }

    private static Resources ForkResources(Node n, int streams) =>
        n.Consumers.Count > 1 ? new Resources(0, 0, 0, 0.5 * n.Settings.DataBits * streams * n.Consumers.Count + 5, 12.0 * streams * n.Consumers.Count + 3) : default;

    private static NodeCost Pool(Node n, int coarse)
    {
        double cycles = Math.Max((double)n.Hp * n.Wp * n.C / coarse, (double)n.Ho * n.Wo * n.C / coarse);
        var r = SlidingWindow(coarse, n.C / coarse, n.Wp, n.Kh, n.Kw, n.Settings.DataBits) + new Resources(0, 0, 0, 16, 35);
        r.Lut += 2.5 * n.K + 0.9 * coarse * n.Settings.DataBits * n.K;
        r.Ff += 0.2 * coarse * n.Settings.DataBits + 2.2 * coarse * n.Settings.DataBits * n.K + 5.4 * Int2Bits(n.K);
        if (n.Kind == LayerKind.AvgPool) r.Dsp += coarse * DspPerMultiplier(n.Settings.DataBits, n.Settings.DataBits); // scale by 1/K
        return new NodeCost(cycles, coarse, coarse, r, 0, 0);
    }

    private static NodeCost GlobalPool(Node n, int coarse)
    {
        // Corrected latency: every one of the H·W·C/coarse words passes through (the reference uses C/coarse).
        double cycles = (double)n.H * n.W * n.C / coarse;
        var r = Memory(n.C / coarse, Widths.Accumulator, false, n.Settings.LutramMaxDepth).Times(coarse);
        r.Lut += coarse * 28.0 * Widths.Accumulator;
        r.Ff += coarse * 2.0 * Widths.Accumulator;
        r.Dsp += coarse * DspPerMultiplier(n.Settings.DataBits, Widths.Accumulator);
        return new NodeCost(cycles, coarse, coarse, r, 0, 0);
    }

    private static NodeCost Activation(Node n, int coarse)
    {
        double cycles = (double)n.H * n.W * n.C / coarse;
        var per = n.Kind switch
        {
            LayerKind.ReLU => new Resources(0, 0, 0, 16, 35),
            LayerKind.ReLU6 => new Resources(0, 0, 0, 24, 35),
            LayerKind.Hardsigmoid => new Resources(DspPerMultiplier(n.Settings.DataBits, n.Settings.DataBits), 0, 0, 40, 50),
            LayerKind.Hardswish => new Resources(5, 0, 0, 16, 35),
            // No fpgaConvNet module figures for these two (docs/cost-model.md, "Activations without a reference model"):
            // leaky ReLU = ReLU6's comparator + one constant multiplier; sigmoid = a piecewise-linear unit (segment table in LUTs + one multiplier).
            LayerKind.LeakyReLU => new Resources(DspPerMultiplier(n.Settings.DataBits, n.Settings.DataBits), 0, 0, 24, 35),
            LayerKind.Sigmoid => new Resources(DspPerMultiplier(n.Settings.DataBits, n.Settings.DataBits), 0, 0, 120, 60),
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
            r += new Resources(n.Implementation == NodeImplementation.EltwiseMul ? DspPerMultiplier(n.Settings.DataBits, n.Settings.DataBits) : 0, 0, 0, 49, 23).Times(coarse);
            if (n.HasBroadcastInput)
                r += Fifo(n.C / coarse, n.Settings.DataBits).Times(coarse); // the broadcast (squeeze-excite) vector
        }
        foreach (var fifoWords in n.PortFifoWords)
            if (fifoWords > 0) r += Fifo(CeilDiv((long)fifoWords, coarse) + 2, n.Settings.DataBits).Times(coarse);
        return new NodeCost(words / coarse, coarse, coarse, r, 0, 0);
    }
}
