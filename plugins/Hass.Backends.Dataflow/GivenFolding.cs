using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// A folding given to <see cref="DataflowBackend.Evaluate"/>, read against the network: each layer's factors, its
/// implementation (a sparse-capable layer marked <c>sparse: false</c> is built dense) and, when any layer names one, the
/// configurations. With these a design's own folding (<see cref="HardwareDesign.Folding"/>) gives that design again.
/// </summary>
internal sealed class GivenFolding
{
    public required NetworkModel Network { get; init; }
    public required LayerFolding[] Folding { get; init; }
    /// <summary>The members of each configuration, in order; null when the folding names none (the partitioner cuts).</summary>
    public List<List<int>>? Configurations { get; init; }

    public static GivenFolding Read(NetworkGraph graph, SparsityProfile profile, bool sparse, DesignOptions options, IReadOnlyDictionary<string, LayerFolding> folding)
    {
        var full = NetworkModel.Build(graph, profile, sparse, options);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in full.Nodes) index[n.Name] = n.Index;
        foreach (var name in folding.Keys)
            if (!index.ContainsKey(name)) throw new ArgumentException($"folding names layer '{name}', which graph '{graph.Name}' does not have");
        var net = WithDenseLayers(full, profile, options, DenseLayers(full, sparse, folding, index));
        var given = new LayerFolding[net.Nodes.Count];
        Array.Fill(given, LayerFolding.Unit);
        foreach (var (name, f) in folding) given[index[name]] = Normalised(net.Nodes[index[name]], f);
        return new GivenFolding { Network = net, Folding = given, Configurations = ConfigurationsNamed(net, folding) };
    }

    /// <summary>
    /// The model with the named layers' profile dropped, so they are built dense (as the DSE's dense alternative of a sparse
    /// conv is): <paramref name="net"/> itself when there are none.
    /// </summary>
    public static NetworkModel WithDenseLayers(NetworkModel net, SparsityProfile profile, DesignOptions options, IReadOnlySet<string> dense)
    {
        if (dense.Count == 0) return net;
        var rest = profile with { Layers = profile.Layers.Where(l => !dense.Contains(l.Layer)).ToList() };
        return NetworkModel.Build(net.Graph, rest, net.SparseEnabled, options);
    }

    private static HashSet<string> DenseLayers(NetworkModel full, bool sparse, IReadOnlyDictionary<string, LayerFolding> folding, Dictionary<string, int> index)
    {
        var dense = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, f) in folding)
        {
            var node = full.Nodes[index[name]];
            if (f.Sparse == true && !node.IsSparse)
                throw new ArgumentException(sparse
                    ? $"layer '{name}' ({node.Kind}) has no sparse implementation here: only a conv whose profile has a mean sparsity at or above the design option denseBelowSparsity is sparse; leave \"sparse\" out or set it to false"
                    : $"layer '{name}': backend '{DataflowBackend.DenseName}' builds every layer dense; leave \"sparse\" out or set it to false");
            if (f.Sparse == false && node.IsSparse) dense.Add(name);
        }
        return dense;
    }

    private static LayerFolding Normalised(Node node, LayerFolding f)
    {
        // Single-factor layers take coarseIn as their coarse factor; coarseOut may repeat it or stay 1.
        var factors = f with { Sparse = null, Partition = null };
        var normalised = !node.IsWeightLayer && node.Implementation != NodeImplementation.Input && factors.CoarseOut == 1 ? factors with { CoarseOut = factors.CoarseIn } : factors;
        if (!node.IsWeightLayer && normalised.CoarseOut != normalised.CoarseIn)
            throw new ArgumentException($"layer '{node.Name}' ({node.Kind}) has one coarse factor: coarseIn and coarseOut must be equal (got {f.CoarseIn} and {f.CoarseOut})");
        node.CheckFeasible(normalised);
        return normalised;
    }

    /// <summary>
    /// The configurations the folding names: a layer without a partition stays in the configuration of the layer before
    /// it (the first in 0). Configurations are contiguous runs of the layers in order, numbered 0, 1, … without gaps.
    /// </summary>
    private static List<List<int>>? ConfigurationsNamed(NetworkModel net, IReadOnlyDictionary<string, LayerFolding> folding)
    {
        if (!folding.Values.Any(f => f.Partition is not null)) return null;
        var configurations = new List<List<int>> { new() };
        string previous = "";
        for (int i = 1; i < net.Nodes.Count; i++)
        {
            var name = net.Nodes[i].Name;
            int current = configurations.Count - 1;
            int p = folding.TryGetValue(name, out var f) && f.Partition is { } given ? given : current;
            if (p < 0) throw new ArgumentException($"layer '{name}': partition {p} is negative; partitions are numbered 0, 1, 2, …");
            if (p < current)
                throw new ArgumentException($"layer '{name}' is in partition {p} after layer '{previous}' in partition {current}: a partition is a contiguous run of the layers in order");
            if (p > current + 1 || (p == current + 1 && configurations[current].Count == 0))
                throw new ArgumentException($"layer '{name}' opens partition {p} after partition {current}: number the partitions 0, 1, 2, … without gaps, each with at least one layer");
            if (p == current + 1) configurations.Add([]);
            configurations[^1].Add(i);
            previous = name;
        }
        var input = net.Nodes[0].Name;
        if (folding.TryGetValue(input, out var inputFolding) && inputFolding.Partition is > 0)
            throw new ArgumentException($"the input layer '{input}' feeds partition 0; its partition must be 0 or left out");
        return configurations;
    }
}
