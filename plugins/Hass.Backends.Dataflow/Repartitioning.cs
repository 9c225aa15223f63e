using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// The DSE's second look at a network split into several configurations. The first pass partitions at unit folding, where
/// a layer whose weights fit only with weights reloading takes a configuration of its own. Once the folding has chosen
/// every layer's factors, reloading included, the same layers often fit in fewer configurations, and each one less saves a
/// reconfiguration per batch. So this pass partitions again at the folding found, folds every configuration on from there,
/// and keeps the result while it is faster, for at most <see cref="MaxRounds"/> rounds.
/// </summary>
internal static class Repartitioning
{
    public const int MaxRounds = 4;

    /// <summary>
    /// The refined partitions, or <paramref name="best"/>. A layer the DSE implemented dense stays dense: the partitions are cut from a
    /// model of the network in which those layers have no profile.
    /// </summary>
    public static List<PartitionState> Refine(NetworkModel net, SparsityProfile profile, BoardSpec board, DesignOptions options,
        List<PartitionState> best, double bestThroughput, Func<List<PartitionState>, List<PartitionState>> fold)
    {
        for (int round = 0; round < MaxRounds && best.Count > 1; round++)
        {
            List<PartitionState> partitions;
            try
            {
                partitions = Partitioner.Partition(WithDenseLayersFixed(net, profile, options, best), board, options, FoldingOf(net, best),
                    allowWeightsReloading: options.AllowWeightsReloading);
            }
            catch (InvalidOperationException)
            {
                break;
            }
            if (partitions.Count >= best.Count) break;
            partitions = fold(partitions);
            double throughput = DesignTiming.Of(board, options, partitions).Throughput;
            if (!(throughput > bestThroughput)) break;
            (best, bestThroughput) = (partitions, throughput);
        }
        return best;
    }

    private static NetworkModel WithDenseLayersFixed(NetworkModel net, SparsityProfile profile, DesignOptions options, List<PartitionState> partitions)
    {
        // Sparse-capable in the full model, dense in the design (as an implementation choice, or fixed by an earlier round).
        var dense = partitions.SelectMany(p => p.Members.Where(m => net.Nodes[m].IsSparse && !p.NodeAt(m).IsSparse).Select(m => net.Nodes[m].Name))
            .ToHashSet(StringComparer.Ordinal);
        return GivenFolding.WithDenseLayers(net, profile, options, dense);
    }

    private static LayerFolding[] FoldingOf(NetworkModel net, List<PartitionState> partitions)
    {
        var folding = new LayerFolding[net.Nodes.Count];
        Array.Fill(folding, LayerFolding.Unit);
        foreach (var p in partitions)
            foreach (var m in p.Members) folding[m] = p.FoldingOf(m);
        return folding;
    }
}
