using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// One FPGA configuration under construction: its member nodes, their folding and costs, the stream squeezes between
/// them and at the partition I/O, and the running resource total. All updates are incremental so the greedy DSE can
/// try thousands of moves per millisecond.
/// </summary>
public sealed class PartitionState
{
    public NetworkModel Network { get; }
    public BoardSpec Board { get; }
    public Budget Budget { get; }
    public int[] Members { get; }
    public int WeightsReloadingNode { get; private set; } = -1;

    internal readonly bool[] Inside;
    internal readonly int[] Ci, Co, Cg, Fine, Wr;
    internal readonly bool[] Uram;
    /// <summary>True where a sparse-capable conv uses its dense implementation.</summary>
    internal readonly bool[] DenseImpl;
    internal readonly NodeCost[] Cost;
    internal readonly Resources[] Attached;
    private readonly double[] effective;
    private readonly int ioStreamLimit;
    private readonly IReadOnlyList<LayerFolding> baseFolding;
    private Resources total;
    private Resources fifoExtra;

    /// <summary>Resources of the configuration, the FIFO rows beyond the base slack included.</summary>
    public Resources Total => total + fifoExtra;
    /// <summary>
    /// Rows of slack every member's input FIFOs hold beyond what its window reads (<see cref="RowPipeline.BaseSlackRows"/>
    /// unless <see cref="FifoSizing"/> deepened them).
    /// </summary>
    public int SlackRows { get; private set; } = RowPipeline.BaseSlackRows;
    /// <summary>Off-chip words read and written per image (partition inputs and outputs).</summary>
    public double IoWordsPerImage { get; }

    public PartitionState(NetworkModel network, BoardSpec board, Budget budget, IReadOnlyList<int> members, IReadOnlyList<LayerFolding> baseFolding, bool placeWeightsInUram = true)
    {
        Network = network;
        Board = board;
        Budget = budget;
        Members = members.ToArray();
        int n = network.Nodes.Count;
        Inside = new bool[n];
        foreach (var m in Members) Inside[m] = true;
        Ci = new int[n]; Co = new int[n]; Cg = new int[n]; Fine = new int[n]; Wr = new int[n];
        Uram = new bool[n];
        DenseImpl = new bool[n];
        Cost = new NodeCost[n];
        Attached = new Resources[n];
        effective = new double[n];
        ioStreamLimit = Math.Max(1, board.PortWidthBits / DataBits);
        this.baseFolding = baseFolding;
        foreach (var m in Members)
        {
            var f = baseFolding[m];
            Ci[m] = f.CoarseIn; Co[m] = f.CoarseOut; Cg[m] = f.CoarseGroup; Fine[m] = f.Fine; Wr[m] = f.WeightsReloading;
            if (Wr[m] > 1) WeightsReloadingNode = m;
            Cost[m] = CostModel.Evaluate(network.Nodes[m], Ci[m], Co[m], Cg[m], Fine[m], Wr[m], false);
        }
        double io = 0;
        var counted = new HashSet<int>();
        foreach (var m in Members)
        {
            var node = network.Nodes[m];
            foreach (var p in node.Inputs)
                if (!Inside[p] && counted.Add(p)) io += network.Nodes[p].OutputWords;
            if (LeavesPartition(m)) io += node.OutputWords;
        }
        IoWordsPerImage = io;
        RecomputeTotal();
        if (placeWeightsInUram) PlaceWeightsInUram();
    }

    /// <summary>A fresh copy of this configuration at its starting folding (for trying another search from scratch).</summary>
    public PartitionState Fresh() => new(Network, Board, Budget, Members, baseFolding);

    private bool LeavesPartition(int m)
    {
        var node = Network.Nodes[m];
        if (node.Consumers.Count == 0) return true;
        foreach (var c in node.Consumers) if (!Inside[c]) return true;
        return false;
    }

    public LayerFolding FoldingOf(int m) => new(Ci[m], Co[m], Cg[m], Fine[m], Wr[m]);
    public NodeCost CostOf(int m) => Cost[m];
    public bool WeightsInUram(int m) => Uram[m];
    /// <summary>True when node m is a sparse-capable conv that the DSE implemented dense.</summary>
    public bool UsesDenseImplementation(int m) => DenseImpl[m];
    /// <summary>The implementation node m currently uses.</summary>
    public Node NodeAt(int m) => DenseImpl[m] ? Network.Nodes[m].DenseAlternative! : Network.Nodes[m];

    /// <summary>Streams of the off-chip port feeding a tensor: the largest divisor of its channels ≤ min(port/dw, wanted).</summary>
    private int IoStreams(int channels, int wanted)
    {
        int limit = Math.Min(ioStreamLimit, wanted);
        for (int s = limit; s > 1; s--) if (channels % s == 0) return s;
        return 1;
    }

    /// <summary>Cycles per image of the off-chip reads/writes of node m at its stream counts.</summary>
    internal double IoCycles(int m, in NodeCost cost)
    {
        var node = Network.Nodes[m];
        double cycles = 0;
        foreach (var p in node.Inputs)
        {
            if (Inside[p]) continue;
            var producer = Network.Nodes[p];
            cycles = Math.Max(cycles, producer.OutputWords / (double)IoStreams(producer.F, cost.StreamsIn));
        }
        if (LeavesPartition(m)) cycles = Math.Max(cycles, node.OutputWords / (double)IoStreams(node.F, cost.StreamsOut));
        return cycles;
    }

    /// <summary>Node cycles including its partition I/O (the "effective" initiation interval of the node).</summary>
    public double EffectiveCycles(int m) => effective[m];

    /// <summary>Node m's fewest cycles at its folding whatever its zeros (<see cref="CostModel.FloorCycles"/>), with its partition I/O.</summary>
    public double FloorCycles(int m) => Math.Max(CostModel.FloorCycles(NodeAt(m), FoldingOf(m)), IoCycles(m, Cost[m]));

    /// <summary>Activation word width of the design (every node has the same cost settings).</summary>
    public int DataBits => Network.Nodes[0].Settings.DataBits;

    /// <summary>Resources of node m with the squeezes on its input edges and its off-chip ports.</summary>
    internal Resources AttachedFor(int m, in NodeCost cost, int changed, in NodeCost changedCost)
    {
        var node = Network.Nodes[m];
        var r = cost.Resources;
        foreach (var p in node.Inputs)
        {
            if (Inside[p])
            {
                int from = p == changed ? changedCost.StreamsOut : Cost[p].StreamsOut;
                r += HardwareBlocks.StreamSqueeze(from, cost.StreamsIn, DataBits);
            }
            else
            {
                var producer = Network.Nodes[p];
                r += HardwareBlocks.StreamSqueeze(IoStreams(producer.F, cost.StreamsIn), cost.StreamsIn, DataBits);
            }
        }
        if (LeavesPartition(m)) r += HardwareBlocks.StreamSqueeze(cost.StreamsOut, IoStreams(node.F, cost.StreamsOut), DataBits);
        return r;
    }

    private void RecomputeTotal()
    {
        total = default;
        foreach (var m in Members)
        {
            Attached[m] = AttachedFor(m, Cost[m], -1, default);
            effective[m] = Math.Max(Cost[m].Cycles, IoCycles(m, Cost[m]));
            total += Attached[m];
        }
    }

    /// <summary>Resource change if node m took <paramref name="cost"/> (own node and its consumers' squeezes).</summary>
    internal Resources DeltaFor(int m, in NodeCost cost)
    {
        var delta = AttachedFor(m, cost, m, cost) - Attached[m];
        foreach (var c in Network.Nodes[m].Consumers)
            if (Inside[c]) delta += AttachedFor(c, Cost[c], m, cost) - Attached[c];
        return delta;
    }

    internal NodeCost CostWith(int m, int ci, int co, int cg, int fine, int wr) =>
        CostModel.Evaluate(NodeAt(m), ci, co, cg, fine, wr, Uram[m]);

    internal NodeCost CostWith(int m, int ci, int co, int cg, int fine, int wr, bool uram, bool dense) =>
        CostModel.Evaluate(dense ? Network.Nodes[m].DenseAlternative! : Network.Nodes[m], ci, co, cg, fine, wr, uram);

    /// <summary>True when node m's weights could live in URAM (a weight layer on a board with URAM).</summary>
    internal bool CanUseUram(int m) => Budget.Uram > 0 && Network.Nodes[m].IsWeightLayer
        && (Uram[m] || Cost[m].WeightMemoryBram18 >= Network.Nodes[m].Settings.UramMinBram18);

    /// <summary>Applies a folding to node m and updates the totals.</summary>
    internal void Apply(int m, int ci, int co, int cg, int fine, int wr) => Apply(m, ci, co, cg, fine, wr, Uram[m], DenseImpl[m]);

    /// <summary>Applies a folding, weight store and implementation to node m and updates the totals.</summary>
    internal void Apply(int m, int ci, int co, int cg, int fine, int wr, bool uram, bool dense)
    {
        Uram[m] = uram;
        DenseImpl[m] = dense && Network.Nodes[m].DenseAlternative is not null;
        var cost = CostWith(m, ci, co, cg, fine, wr);
        Ci[m] = ci; Co[m] = co; Cg[m] = cg; Fine[m] = fine; Wr[m] = wr;
        Cost[m] = cost;
        effective[m] = Math.Max(cost.Cycles, IoCycles(m, cost));
        var updated = AttachedFor(m, cost, -1, default);
        total += updated - Attached[m];
        Attached[m] = updated;
        foreach (var c in Network.Nodes[m].Consumers)
        {
            if (!Inside[c]) continue;
            var a = AttachedFor(c, Cost[c], -1, default);
            total += a - Attached[c];
            Attached[c] = a;
        }
        if (wr > 1) WeightsReloadingNode = m;
        else if (WeightsReloadingNode == m) WeightsReloadingNode = -1;
        if (SlackRows != RowPipeline.BaseSlackRows) SetSlackRows(SlackRows);
    }

    /// <summary>Moves the largest weight memories to URAM while BRAM (the FIFOs' included) is over budget and URAM has room.</summary>
    internal void PlaceWeightsInUram()
    {
        if (Budget.Uram <= 0 || Total.Bram18 <= Budget.Bram18) return;
        var candidates = Members.Where(m => Network.Nodes[m].IsWeightLayer && Cost[m].WeightMemoryBram18 > 0
                && Cost[m].WeightMemoryBram18 >= Network.Nodes[m].Settings.UramMinBram18)
            .OrderByDescending(m => Cost[m].WeightMemoryBram18).ThenBy(m => m).ToList();
        foreach (var m in candidates)
        {
            if (Total.Bram18 <= Budget.Bram18) break;
            var asUram = CostModel.Evaluate(NodeAt(m), Ci[m], Co[m], Cg[m], Fine[m], Wr[m], true);
            if (total.Uram + asUram.WeightMemoryUram > Budget.Uram) continue;
            Uram[m] = true;
            Apply(m, Ci[m], Co[m], Cg[m], Fine[m], Wr[m]);
        }
    }

    /// <summary>The slowest member (ties: the earliest) and its effective cycles.</summary>
    public (int Node, double Cycles) Bottleneck()
    {
        int best = -1;
        double worst = -1;
        foreach (var m in Members)
        {
            double c = effective[m];
            if (c > worst) { worst = c; best = m; }
        }
        return (best, worst);
    }

    /// <summary>Minimum interval the memory bandwidth allows (cycles per image).</summary>
    public double BandwidthFloorCycles(DesignOptions options)
    {
        double bitsPerImage = IoWordsPerImage * DataBits;
        double bitsPerSecond = options.ResourceAllocation * Board.MemoryBandwidthGbps * 1e9;
        return bitsPerImage * Board.ClockMhz * 1e6 / bitsPerSecond;
    }

    public bool Fits() => Budget.Fits(Total);

    /// <summary>Sets the FIFO slack of every member and charges the rows beyond the base slack.</summary>
    public void SetSlackRows(int rows)
    {
        if (rows < 1) throw new ArgumentOutOfRangeException(nameof(rows), rows, "a FIFO needs at least one row of slack");
        SlackRows = rows;
        fifoExtra = default;
        foreach (var m in Members) fifoExtra += FifoSizing.ExtraMemory(this, m);
    }

}
