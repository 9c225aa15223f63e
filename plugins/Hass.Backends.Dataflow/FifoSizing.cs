using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// Sizes the FIFOs between the layers of one configuration once its folding is chosen. The folding search minimises
/// the slowest layer's cycles, but with shallow FIFOs neighbouring layers whose row costs are uneven (the sparse rows
/// of a lane-aware design) stall each other, and the row pipeline's interval can exceed the slowest layer's cycles
/// by far. Deeper FIFOs absorb that unevenness at the cost of memory. Every candidate slack that fits the budget is
/// simulated; the shallowest whose interval is within <see cref="Tolerance"/> of the best is kept.
/// </summary>
public static class FifoSizing
{
    /// <summary>Slack rows tried, shallowest first.</summary>
    public static readonly IReadOnlyList<int> CandidateSlackRows = [RowPipeline.BaseSlackRows, 4, 8, 16];

    /// <summary>Relative interval gain a deeper FIFO must bring to be worth its memory.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>
    /// Sets <paramref name="s"/>'s slack rows and returns them. Only the lane-aware figure runs the row pipeline; with
    /// the average figure the interval is the slowest layer's and the base slack stays.
    /// </summary>
    public static int Size(PartitionState s, DesignOptions options) =>
        s.Network.Nodes[0].Settings.LaneMax ? Size(s, options, m => DesignTiming.RowCyclesOf(s, m)) : s.SlackRows;

    /// <summary>As <see cref="Size(PartitionState, DesignOptions)"/> with the members' row cycles given ([image][row] per member).</summary>
    public static int Size(PartitionState s, DesignOptions options, Func<int, double[][]> rowCycles)
    {
        double floor = Math.Max(s.Bottleneck().Cycles, s.BandwidthFloorCycles(options));
        var start = FoldingSteps.Snapshot(s);
        var intervals = new List<(int Slack, double Interval)>();
        foreach (int slack in CandidateSlackRows)
        {
            if (!TrySlack(s, slack)) break;
            double interval = Math.Max(floor, RowPipeline.Simulate(s, rowCycles).IntervalCycles);
            intervals.Add((slack, interval));
            // Nothing stalls any more: deeper FIFOs cannot help.
            if (interval <= floor * (1 + Tolerance)) break;
        }
        double best = intervals.Min(c => c.Interval);
        var chosen = intervals.First(c => c.Interval <= best * (1 + Tolerance));
        if (s.Members.Any(m => s.WeightsInUram(m) != start[m].Uram))
        {
            FoldingSteps.Restore(s, start); // undo the URAM moves of the slacks not chosen
            TrySlack(s, chosen.Slack);
        }
        else s.SetSlackRows(chosen.Slack);
        return chosen.Slack;
    }

    /// <summary>
    /// Sets the slack and says whether it fits. Deeper FIFOs that overflow the BRAM first move weight memories to URAM, as
    /// the folding does when its weights overflow it: the folding placed only as many as its own memories needed.
    /// </summary>
    private static bool TrySlack(PartitionState s, int slack)
    {
        s.SetSlackRows(slack);
        if (slack == RowPipeline.BaseSlackRows || s.Fits()) return true;
        s.PlaceWeightsInUram();
        return s.Fits();
    }

    /// <summary>
    /// Memory of node m's input FIFOs beyond the base slack: per input, (slack − base) rows of the producer's output
    /// (columns × channels words), split over the node's input streams, each a FIFO of data-width words.
    /// </summary>
    public static Resources ExtraMemory(PartitionState s, int m)
    {
        int extraRows = s.SlackRows - RowPipeline.BaseSlackRows;
        if (extraRows <= 0) return default;
        var r = new Resources();
        int streams = Math.Max(1, s.CostOf(m).StreamsIn);
        foreach (var p in s.Network.Nodes[m].Inputs.Distinct())
        {
            var producer = s.Network.Nodes[p];
            long rowWords = (long)producer.F * Math.Max(1, producer.Wo);
            r += HardwareBlocks.Fifo((extraRows * rowWords + streams - 1) / streams, s.DataBits).Times(streams);
        }
        return r;
    }
}
