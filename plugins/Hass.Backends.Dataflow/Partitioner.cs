using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// The contiguous split of a network into several configurations (with weights reloading) when it does not fit the
/// board in one.
/// </summary>
public static class Partitioner
{
    /// <summary>
    /// Splits the network, in topological order, into configurations that fit at the given base folding. A configuration
    /// is closed when the next layer would take it beyond <paramref name="fill"/> of the budget (leaving room for
    /// folding), or would be its second layer with weights reloading (a configuration reloads one layer's weights);
    /// a layer too large for a configuration of its own gets weights reloading. With
    /// <paramref name="tailReloading"/>, a weight layer that does not fit the open configuration joins it with weights
    /// reloading instead of opening a new one.
    /// </summary>
    public static List<PartitionState> Partition(NetworkModel net, BoardSpec board, DesignOptions options, LayerFolding[] baseFolding,
        double fill = 1.0, bool tailReloading = false, bool allowWeightsReloading = true)
    {
        var budget = Budget.For(board, options);
        var fitBudget = budget.Scaled(fill);
        var order = new List<int>();
        for (int i = 1; i < net.Nodes.Count; i++) order.Add(i);
        var whole = new PartitionState(net, board, fitBudget, order, baseFolding);
        if (Fits(whole, baseFolding)) return [new PartitionState(net, board, budget, order, baseFolding)];
        if (!options.AllowPartitions)
        {
            var full = new PartitionState(net, board, budget, order, baseFolding);
            if (Fits(full, baseFolding)) return [full];
            throw new DesignDoesNotFitException($"graph '{net.Graph.Name}' does not fit board '{board.Name}' in one configuration: {budget.Excess(full.Total)}; allow partitions or choose a larger board");
        }

        var partitions = new List<List<int>>();
        var reloading = new List<(int Node, int Factor)>();
        var current = new List<int>();
        int index = 0;
        while (index < order.Count)
        {
            if (current.Count > 0)
            {
                int low = LongestFittingRun(net, board, fitBudget, baseFolding, order, current, index);
                for (int i = index; i < low; i++) current.Add(order[i]);
                index = low;
                if (index >= order.Count) break;
            }
            int next = order[index];
            current.Add(next);
            var trial = new PartitionState(net, board, current.Count == 1 ? budget : fitBudget, current, baseFolding);
            if (Fits(trial, baseFolding)) { index++; continue; }
            bool reloadable = allowWeightsReloading && net.Nodes[next].IsWeightLayer && baseFolding[next].WeightsReloading == 1;
            if (reloadable && (current.Count == 1 || tailReloading))
            {
                int wr = ReloadingThatFits(net, board, current.Count == 1 ? budget : fitBudget, current, baseFolding, next);
                if (wr > 1)
                {
                    partitions.Add(current);
                    reloading.Add((next, wr));
                    current = [];
                    index++;
                    continue;
                }
            }
            current.RemoveAt(current.Count - 1);
            if (current.Count == 0)
            {
                var alone = new PartitionState(net, board, budget, [next], baseFolding);
                throw new DesignDoesNotFitException($"layer '{net.Nodes[next].Name}' alone does not fit board '{board.Name}': {budget.Excess(alone.Total)}"
                    + (net.Nodes[next].IsWeightLayer && !allowWeightsReloading ? "; allow weights reloading or lower its folding" : "; lower its folding or choose a larger board"));
            }
            partitions.Add(current);
            reloading.Add((-1, 1));
            current = [];
        }
        if (current.Count > 0) { partitions.Add(current); reloading.Add((-1, 1)); }
        return States(net, board, budget, baseFolding, partitions, reloading);
    }

    /// <summary>The configurations as given (each a contiguous run of layers), at the given folding; refused when one does not fit.</summary>
    public static List<PartitionState> AsGiven(NetworkModel net, BoardSpec board, DesignOptions options, LayerFolding[] folding, List<List<int>> configurations)
    {
        if (configurations.Count > 1 && !options.AllowPartitions)
            throw new ArgumentException($"the folding cuts graph '{net.Graph.Name}' into {configurations.Count} partitions, but the design options do not allow partitions; allow them or give every layer partition 0");
        var budget = Budget.For(board, options);
        var result = new List<PartitionState>(configurations.Count);
        for (int p = 0; p < configurations.Count; p++)
        {
            var members = configurations[p];
            var reloaded = members.Where(m => folding[m].WeightsReloading > 1).Select(m => $"'{net.Nodes[m].Name}'").ToList();
            if (reloaded.Count > 1)
                throw new ArgumentException($"partition {p} reloads the weights of {string.Join(" and ", reloaded)}: a configuration reloads one layer's weights; put them in different partitions or set weightsReloading to 1");
            var state = new PartitionState(net, board, budget, members, folding);
            if (!state.Fits())
                throw new DesignDoesNotFitException($"partition {p} ('{net.Nodes[members[0]].Name}' to '{net.Nodes[members[^1]].Name}') does not fit board '{board.Name}': {budget.Excess(state.Total)}; lower its folding or cut it into more partitions");
            result.Add(state);
        }
        return result;
    }

    /// <summary>
    /// The end of the longest run order[index..end) that still fits after <paramref name="current"/>: resources grow
    /// with every layer added, so a binary search finds it.
    /// </summary>
    private static int LongestFittingRun(NetworkModel net, BoardSpec board, Budget fitBudget, LayerFolding[] baseFolding, List<int> order, List<int> current, int index)
    {
        int low = index, high = order.Count; // order[index..low) fits; [index..high] is unknown beyond
        while (low < high)
        {
            int mid = (low + high + 1) / 2;
            var members = new List<int>(current);
            for (int i = index; i < mid; i++) members.Add(order[i]);
            if (Fits(new PartitionState(net, board, fitBudget, members, baseFolding), baseFolding)) low = mid;
            else high = mid - 1;
        }
        return low;
    }

    /// <summary>Within the budget, and at most one member with weights reloading (the timing reloads one layer per configuration).</summary>
    private static bool Fits(PartitionState state, LayerFolding[] folding) =>
        state.Fits() && state.Members.Count(m => folding[m].WeightsReloading > 1) <= 1;

    /// <summary>One state per partition, with its weights-reloading layer (if any) folded accordingly.</summary>
    private static List<PartitionState> States(NetworkModel net, BoardSpec board, Budget budget, LayerFolding[] baseFolding,
        List<List<int>> partitions, List<(int Node, int Factor)> reloading)
    {
        var result = new List<PartitionState>(partitions.Count);
        for (int p = 0; p < partitions.Count; p++)
        {
            var folding = baseFolding;
            if (reloading[p].Node >= 0)
            {
                folding = (LayerFolding[])baseFolding.Clone();
                folding[reloading[p].Node] = folding[reloading[p].Node] with { WeightsReloading = reloading[p].Factor };
            }
            result.Add(new PartitionState(net, board, budget, partitions[p], folding));
        }
        return result;
    }

    private static int ReloadingThatFits(NetworkModel net, BoardSpec board, Budget budget, List<int> members, LayerFolding[] baseFolding, int node)
    {
        var f = baseFolding[node];
        foreach (var wr in net.Nodes[node].WeightsReloadingFor(f.CoarseOut))
        {
            if (wr == 1) continue;
            var folding = (LayerFolding[])baseFolding.Clone();
            folding[node] = f with { WeightsReloading = wr };
            if (Fits(new PartitionState(net, board, budget, members, folding), folding)) return wr;
        }
        return 1;
    }
}
