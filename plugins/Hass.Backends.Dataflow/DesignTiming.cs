using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// Timing of a design: each configuration's interval (with stalls and the bandwidth slow-down), pipeline depth,
/// weights-reloading cycles and cycles per batch; the design's throughput and latency with reconfigurations.
/// </summary>
internal static class DesignTiming
{
    /// <summary>Timing of one configuration: interval (with the bandwidth slow-down), pipeline depth, cycles per batch.</summary>
    public readonly record struct PartitionTiming(int Bottleneck, double Interval, double SlowDown, double Depth, int WeightsReloading, double ReloadCycles, double BatchCycles);

    /// <summary>Throughput and batch-1 latency of the whole design (with reconfigurations), and the timing of each configuration.</summary>
    public static (double Throughput, double Latency, PartitionTiming[] Partitions) Of(BoardSpec board, DesignOptions options, List<PartitionState> partitions)
    {
        double clockHz = board.ClockMhz * 1e6;
        var timings = new PartitionTiming[partitions.Count];
        double totalCycles = 0;
        for (int p = 0; p < partitions.Count; p++)
        {
            var s = partitions[p];
            var net = s.Network;
            var (b, interval) = s.Bottleneck();
            double depth;
            if (net.Nodes[0].Settings.LaneMax)
            {
                // The row pipeline gives the interval with the stalls of uneven rows and the fill latency of one image.
                var pipeline = RowPipeline.Simulate(s, m => RowCyclesOf(s, m));
                interval = Math.Max(interval, pipeline.IntervalCycles);
                depth = Math.Max(0, pipeline.FirstImageCycles - interval);
            }
            else depth = FillFractionDepth(s) * interval;
            double slowDown = Math.Max(1.0, s.BandwidthFloorCycles(options) / interval);
            double effective = interval * slowDown;
            depth *= slowDown;
            int wr = s.WeightsReloadingNode >= 0 ? s.Wr[s.WeightsReloadingNode] : 1;
            double reload = 0;
            if (wr > 1)
            {
                // Reloading moves the weights at the memory bandwidth, at most one port width per cycle.
                var wrNode = net.Nodes[s.WeightsReloadingNode];
                double bitsPerCycle = Math.Min(board.PortWidthBits, options.ResourceAllocation * board.MemoryBandwidthGbps * 1e9 / clockHz);
                reload = (wr - 1) * Math.Ceiling(wrNode.WeightCount / (double)wr * wrNode.Settings.WeightBits / bitsPerCycle);
            }
            double batchCycles = (Math.Ceiling(effective) * options.BatchSize + depth) * wr + reload;
            totalCycles += batchCycles;
            timings[p] = new PartitionTiming(b, effective, slowDown, depth, wr, reload, batchCycles);
        }
        int count = partitions.Count;
        double computeSeconds = totalCycles / clockHz;
        // Steady state: every batch reconfigures each of the P > 1 configurations once; one batch alone needs P − 1.
        double perBatchSeconds = computeSeconds + (count > 1 ? count * board.ReconfigurationSeconds : 0);
        double latency = computeSeconds + (count - 1) * board.ReconfigurationSeconds;
        return (options.BatchSize / perBatchSeconds, latency, timings);
    }

    /// <summary>The deepest chain of fill fractions (each in image periods): the pipeline depth of the average figure.</summary>
    private static double FillFractionDepth(PartitionState s)
    {
        var arrival = new double[s.Network.Nodes.Count];
        double deepest = 0;
        foreach (var m in s.Members)
        {
            var node = s.Network.Nodes[m];
            double a = 0;
            foreach (var i in node.Inputs) if (s.Inside[i]) a = Math.Max(a, arrival[i]);
            arrival[m] = a + node.FillFraction;
            deepest = Math.Max(deepest, arrival[m]);
        }
        return deepest;
    }

    /// <summary>
    /// [i][r]: cycles of each output row of member m in image i: the lane-aware rows of a sparse conv (per sample image
    /// when the profile has samples), else its cycles spread evenly, the same in every image (none for a flatten).
    /// </summary>
    internal static double[][] RowCyclesOf(PartitionState s, int m)
    {
        var node = s.NodeAt(m);
        int rows = Math.Max(1, node.Ho);
        if (node.IsSparse && node.Settings.LaneMax)
        {
            var f = s.FoldingOf(m);
            var images = LaneModel.ImageRowCycles(node, f.CoarseIn, f.CoarseOut, f.CoarseGroup, f.Fine, f.WeightsReloading);
            double io = s.IoCycles(m, s.CostOf(m)) / rows;
            return images.Select(cycles => cycles.Select(c => Math.Max(c, io)).ToArray()).ToArray();
        }
        // A flatten only renames the words: they pass through at their producer's pace, so it adds no fill latency.
        if (node.Implementation == NodeImplementation.Flatten) return [new double[rows]];
        return [Enumerable.Repeat(s.EffectiveCycles(m) / rows, rows).ToArray()];
    }
}
