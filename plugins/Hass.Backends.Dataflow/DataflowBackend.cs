using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// fpgaConvNet-style dataflow accelerator (one pipeline stage per layer). <c>dataflow-sparse</c> uses the Sparse Vector
/// Dot for conv layers whose profile shows enough sparsity; <c>dataflow-dense</c> ignores the profile.
/// </summary>
public sealed class DataflowBackend : IAcceleratorBackend
{
    public const string SparseName = "dataflow-sparse";
    public const string DenseName = "dataflow-dense";
    /// <summary>Annealing iterations per member node when <see cref="DesignOptions.Anneal"/> is set.</summary>
    public const int AnnealIterationsPerNode = 40;

    private readonly bool sparse;

    public DataflowBackend(bool sparse) => this.sparse = sparse;

    public string Name => sparse ? SparseName : DenseName;
    public string? DenseCounterpart => sparse ? DenseName : null;
    public string Description => sparse
        ? "fpgaConvNet-style dataflow accelerator with zero-skipping Sparse Vector Dot (HASS hardware model) and greedy DSE"
        : "fpgaConvNet-style dense dataflow accelerator (layer pipeline) with greedy DSE";
    public string Version => "1.1.0";

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default)
    {
        CheckInputs(board, options);
        var net = NetworkModel.Build(graph, profile, sparse, options);
        var unit = new LayerFolding[net.Nodes.Count];
        Array.Fill(unit, LayerFolding.Unit);
        List<PartitionState>? best = null;
        double bestThroughput = 0;
        var tried = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (fill, tailReloading) in PartitionVariants)
        {
            if (tailReloading && !options.AllowWeightsReloading) continue;
            List<PartitionState> partitions;
            try
            {
                partitions = Partitioner.Partition(net, board, options, unit, fill, tailReloading, options.AllowWeightsReloading);
            }
            catch (InvalidOperationException) when (best is not null)
            {
                continue;
            }
            // P configurations can never beat B / (P · reconfiguration time): skip a variant that cannot win.
            if (best is not null && partitions.Count > 1 && options.BatchSize / (partitions.Count * board.ReconfigurationSeconds) <= bestThroughput) continue;
            if (!tried.Add(Signature(partitions))) continue;
            partitions = Fold(partitions, options, cancellationToken);
            double throughput = DesignTiming.Of(board, options, partitions).Throughput;
            if (best is null || throughput > bestThroughput)
            {
                best = partitions;
                bestThroughput = throughput;
            }
        }
        best = Repartitioning.Refine(net, profile, board, options, best!, bestThroughput, p => Fold(p, options, cancellationToken));
        return Assemble(net, board, options, best, searched: true);
    }

    /// <summary>Folds every configuration from its starting folding: the greedy, the optional annealing, then the FIFOs.</summary>
    private static List<PartitionState> Fold(List<PartitionState> partitions, DesignOptions options, CancellationToken cancellationToken)
    {
        for (int i = 0; i < partitions.Count; i++)
        {
            partitions[i] = GreedyFolding.GreedyBest(partitions[i], options, cancellationToken);
            if (options.Anneal) Annealing.Anneal(partitions[i], options, AnnealIterationsPerNode * partitions[i].Members.Length, cancellationToken);
            FifoSizing.Size(partitions[i], options);
        }
        return partitions;
    }

    /// <summary>
    /// Partitionings the DSE compares (fill = fraction of the budget a configuration may take at unit folding, so the
    /// rest is left for folding; tail reloading = fit a weight layer into the open configuration with weights reloading).
    /// Identical partitionings are explored once.
    /// </summary>
    private static readonly (double Fill, bool TailReloading)[] PartitionVariants = [(1.0, false), (1.0, true), (0.5, false), (0.25, false)];

    private static string Signature(List<PartitionState> partitions) => string.Join("|", partitions.Select(p =>
        string.Join(",", p.Members) + (p.WeightsReloadingNode >= 0 ? $"/wr{p.FoldingOf(p.WeightsReloadingNode).WeightsReloading}" : "")));

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options)
    {
        CheckInputs(board, options);
        ArgumentNullException.ThrowIfNull(folding);
        var given = GivenFolding.Read(graph, profile, sparse, options, folding);
        var partitions = given.Configurations is { } configurations
            ? Partitioner.AsGiven(given.Network, board, options, given.Folding, configurations)
            : Partitioner.Partition(given.Network, board, options, given.Folding, allowWeightsReloading: false);
        foreach (var partition in partitions) FifoSizing.Size(partition, options);
        return Assemble(given.Network, board, options, partitions, searched: false);
    }

    private static void CheckInputs(BoardSpec board, DesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(board);
        ArgumentNullException.ThrowIfNull(options);
        var problems = board.Validate();
        if (problems.Count > 0) throw new ArgumentException($"board '{board.Name}' is invalid: {string.Join("; ", problems)}");
        if (options.BatchSize < 1) throw new ArgumentException($"design options: batchSize must be ≥ 1 (got {options.BatchSize})");
        if (!(options.DenseBelowSparsity >= 0 && options.DenseBelowSparsity <= 1))
            throw new ArgumentException($"design options: denseBelowSparsity must be in [0, 1] (got {options.DenseBelowSparsity})");
    }

    private HardwareDesign Assemble(NetworkModel net, BoardSpec board, DesignOptions options, List<PartitionState> partitions, bool searched)
    {
        int batch = options.BatchSize;
        var notes = new List<string>();
        var layerDesigns = new LayerDesign?[net.Nodes.Count];
        var partitionDesigns = new List<PartitionDesign>();
        var resources = new Resources();
        var (throughput, latency, timings) = DesignTiming.Of(board, options, partitions);
        double worstInterval = 0, worstBatchCycles = -1;
        string bottleneck = "";
        for (int p = 0; p < partitions.Count; p++)
        {
            var s = partitions[p];
            var t = timings[p];
            worstInterval = Math.Max(worstInterval, t.Interval);
            if (t.BatchCycles > worstBatchCycles)
            {
                worstBatchCycles = t.BatchCycles;
                bottleneck = t.SlowDown > 1 ? Performance.MemoryBandwidth : net.Nodes[t.Bottleneck].Name;
            }
            var placed = s.Budget.Placed(s.Total);
            notes.AddRange(PartitionNotes(p, s, t, placed));
            resources = Resources.Max(resources, placed);
            foreach (var m in s.Members) layerDesigns[m] = LayerDesignOf(s, m, p);
            var names = s.Members.Select(m => s.NodeAt(m).Name).ToList();
            partitionDesigns.Add(new PartitionDesign(p, names, t.Interval, t.BatchCycles, t.WeightsReloading, placed.ToUsage()));
        }
        var input = net.Nodes[0];
        layerDesigns[0] = new LayerDesign { Layer = input.Name, Kind = input.Kind, Partition = 0, Folding = LayerFolding.Unit };

        AddDesignNotes(notes, net, board, options, partitions.Count, searched, layerDesigns);
        double gops = net.Graph.DenseOperations * throughput / 1e9;
        var usage = resources.ToUsage();
        return new HardwareDesign
        {
            Backend = Name,
            BackendVersion = Version,
            Board = board.Name,
            Graph = net.Graph.Name,
            GraphHash = net.Graph.ContentHash(),
            DataBits = options.DataBits, WeightBits = options.WeightBits,
            Layers = layerDesigns.Select(l => l!).ToList(),
            Partitions = partitionDesigns,
            Performance = new Performance
            {
                ThroughputImagesPerSecond = throughput,
                LatencySeconds = latency,
                IntervalCycles = worstInterval,
                BottleneckLayer = bottleneck,
                GopPerSecond = gops,
                GopPerSecondPerDsp = usage.Dsp > 0 ? gops / usage.Dsp : 0,
                BatchSize = batch,
            },
            Resources = usage,
            Notes = notes,
        };
    }

    /// <summary>Notes on the whole design: not searched (first), several configurations, sparse layers implemented dense.</summary>
    private void AddDesignNotes(List<string> notes, NetworkModel net, BoardSpec board, DesignOptions options, int count, bool searched, LayerDesign?[] layerDesigns)
    {
        if (count > 1) notes.Add($"{count} configurations (network does not fit one); {count} reconfigurations of {board.ReconfigurationSeconds} s per batch of {options.BatchSize}");
        if (!searched) notes.Insert(0, "evaluated a given folding (no search)");
        if (sparse)
        {
            int eligible = net.Nodes.Count(n => n.IsSparse);
            int used = layerDesigns.Count(l => l!.Sparse);
            notes.Add($"{used} sparse conv layer(s) of {eligible} with mean sparsity ≥ {options.DenseBelowSparsity}" + (used < eligible ? $"; the DSE implemented {eligible - used} of them dense (cheaper at the folding they need)" : ""));
        }
    }

    /// <summary>What is worth knowing about configuration <paramref name="p"/>: weights reloading, bandwidth, LUTRAM, URAM.</summary>
    private static IEnumerable<string> PartitionNotes(int p, PartitionState s, DesignTiming.PartitionTiming t, Resources placed)
    {
        var net = s.Network;
        if (t.WeightsReloading > 1)
            yield return $"partition {p}: weights reloading ×{t.WeightsReloading} on '{net.Nodes[s.WeightsReloadingNode].Name}' ({t.ReloadCycles:F0} reload cycles per batch)";
        if (t.SlowDown > 1) yield return $"partition {p}: memory bandwidth limits the interval (slow-down ×{t.SlowDown:F3}; {s.IoWordsPerImage:F0} off-chip words per image)";
        if (placed.Bram18 < s.Total.Bram18 - 1e-9)
            yield return $"partition {p}: {s.Total.Bram18 - placed.Bram18:F0} BRAM18 of memories implemented in LUTRAM";
        var uramLayers = s.Members.Where(s.WeightsInUram).Select(m => net.Nodes[m].Name).ToList();
        if (uramLayers.Count > 0) yield return $"partition {p}: weights in URAM for {uramLayers.Count} layer(s): {string.Join(", ", uramLayers.Take(8))}{(uramLayers.Count > 8 ? ", …" : "")}";
    }

    private static LayerDesign LayerDesignOf(PartitionState s, int m, int p)
    {
        var node = s.NodeAt(m);
        var folding = s.FoldingOf(m);
        IReadOnlyList<int[]> streams = node.Implementation switch
        {
            NodeImplementation.SparseConv => SparseInterleaving.SparseStreamCycles(node, folding.Fine, folding.CoarseIn * folding.CoarseGroup, withChannels: true).Streams,
            NodeImplementation.PointwiseSparseConv => SparseInterleaving.NaiveStreams(node.C, folding.CoarseIn * folding.CoarseGroup),
            _ => [],
        };
        return new LayerDesign
        {
            Layer = node.Name, Kind = node.Kind, Partition = p, Folding = folding,
            Cycles = s.EffectiveCycles(m), FloorCycles = Math.Min(s.FloorCycles(m), s.EffectiveCycles(m)), Sparse = node.IsSparse, StreamChannels = streams,
            FifoSlackRows = s.SlackRows,
            Resources = (s.Attached[m] + FifoSizing.ExtraMemory(s, m)).ToUsage(),
        };
    }
}
