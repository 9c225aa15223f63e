using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// Design-space exploration: a deterministic greedy bottleneck-relief pass, an optional seeded annealing refinement,
/// and a contiguous split into several configurations (with weights reloading) when the network does not fit one.
/// </summary>
public static class Dse
{
    /// <summary>Fine-gain thresholds of the sparse greedy passes (fpgaConvNet optimiser: 1.2 then 1.01).</summary>
    public static readonly double[] SparseFineGainThresholds = [1.2, 1.01];

    /// <summary>
    /// Splits the network, in topological order, into configurations that fit at the given base folding. A configuration
    /// is closed when the next layer would take it beyond <paramref name="fill"/> of the budget (leaving room for
    /// folding); a layer too large for a configuration of its own gets weights reloading. With
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
        if (whole.Fits()) return [new PartitionState(net, board, budget, order, baseFolding)];
        if (!options.AllowPartitions)
        {
            var full = new PartitionState(net, board, budget, order, baseFolding);
            if (full.Fits()) return [full];
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
                // Resources grow with every layer added, so binary-search the longest run of layers that still fits.
                int low = index, high = order.Count; // order[index..low) fits; [index..high] is unknown beyond
                while (low < high)
                {
                    int mid = (low + high + 1) / 2;
                    var members = new List<int>(current);
                    for (int i = index; i < mid; i++) members.Add(order[i]);
                    if (new PartitionState(net, board, fitBudget, members, baseFolding).Fits()) low = mid;
                    else high = mid - 1;
                }
                for (int i = index; i < low; i++) current.Add(order[i]);
                index = low;
                if (index >= order.Count) break;
            }
            int next = order[index];
            current.Add(next);
            var trial = new PartitionState(net, board, current.Count == 1 ? budget : fitBudget, current, baseFolding);
            if (trial.Fits()) { index++; continue; }
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
            if (new PartitionState(net, board, budget, members, folding).Fits()) return wr;
        }
        return 1;
    }

    /// <summary>How the greedy ranks the steps that relieve the bottleneck.</summary>
    public enum GreedyCriterion
    {
        /// <summary>Most speed-up per resource the step adds: log(gain) / budget fraction of the added resources.</summary>
        Marginal,
        /// <summary>Most efficient resulting layer: least cycles × budget fraction of the layer's resources (favours
        /// coarse parallelism over fine for sparse layers, whose fine multipliers idle on zeros).</summary>
        Efficiency,
    }

    /// <summary>
    /// Runs the greedy with each criterion from the same start and keeps the lower interval (then fewer resources).
    /// Returns the state kept.
    /// </summary>
    public static PartitionState GreedyBest(PartitionState state, DesignOptions options, CancellationToken cancellationToken = default)
    {
        var other = state.Fresh();
        Greedy(state, options, GreedyCriterion.Marginal, cancellationToken);
        Rebalance(state, options, cancellationToken);
        Greedy(other, options, GreedyCriterion.Efficiency, cancellationToken);
        Rebalance(other, options, cancellationToken);
        double a = state.Bottleneck().Cycles, b = other.Bottleneck().Cycles;
        if (b < a * (1 - 1e-12) || (b <= a && state.Budget.Weight(other.Total) < state.Budget.Weight(state.Total))) return other;
        return state;
    }

    /// <summary>Greedy bottleneck relief: repeatedly apply the best step (by <paramref name="criterion"/>) that speeds up the slowest node and fits.</summary>
    public static void Greedy(PartitionState state, DesignOptions options, GreedyCriterion criterion = GreedyCriterion.Marginal, CancellationToken cancellationToken = default)
    {
        bool anySparse = false;
        foreach (var m in state.Members) anySparse |= state.Network.Nodes[m].IsSparse;
        double floor = state.BandwidthFloorCycles(options);
        double[] thresholds = anySparse ? SparseFineGainThresholds : [1.0];
        foreach (var threshold in thresholds)
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var (b, cycles) = state.Bottleneck();
                if (b < 0 || cycles <= floor) break;
                if (!TryRelieve(state, b, cycles, threshold, criterion)) break;
            }
        }
    }

    private static bool TryRelieve(PartitionState s, int b, double cycles, double fineThreshold, GreedyCriterion criterion)
    {
        var sparseNode = s.Network.Nodes[b];
        int ci = s.Ci[b], co = s.Co[b], cg = s.Cg[b], fi = s.Fine[b], wr = s.Wr[b];
        double bestScore = double.NegativeInfinity;
        int bci = 0, bco = 0, bcg = 0, bfi = 0;
        bool bUram = false, bDense = false;
        // Candidates: one factor raised to its next feasible value, in the current implementation and (for a
        // sparse-capable conv) in the other one, which may also be taken without raising anything.
        int implementations = sparseNode.DenseAlternative is null ? 1 : 2;
        for (int impl = 0; impl < implementations; impl++)
        {
            bool dense = impl == 0 ? s.DenseImpl[b] : !s.DenseImpl[b];
            var node = dense && sparseNode.DenseAlternative is not null ? sparseNode.DenseAlternative : sparseNode;
            int baseFine = fi;
            if (Array.IndexOf(node.Fine, baseFine) < 0)
            {
                baseFine = 1;
                foreach (var v in node.Fine) if (v <= fi) baseFine = v;
            }
            for (int move = impl == 0 ? 1 : 0; move < 5; move++)
            {
                int nci = ci, nco = co, ncg = cg, nfi = baseFine;
                switch (move)
                {
                    case 0: break; // switch implementation only
                    case 1: nfi = Next(node.Fine, baseFine); break;
                    case 2: nci = Next(node.CoarseIn, ci); break;
                    case 3:
                        if (!node.IsWeightLayer) continue; // one coarse factor
                        nco = Next(node.CoarseOut, co);
                        if ((node.F / node.G / nco) % wr != 0) continue;
                        break;
                    case 4: ncg = Next(node.CoarseGroup, cg); break;
                }
                if (move > 0 && nci == ci && nco == co && ncg == cg && nfi == baseFine) continue;
                if (!node.IsWeightLayer) nco = nci;
                for (int store = 0; store < 2; store++)
                {
                    bool uram = store == 0 ? s.Uram[b] : !s.Uram[b];
                    if (store == 1 && !s.CanUseUram(b)) break;
                    var cost = s.CostWith(b, nci, nco, ncg, nfi, wr, uram, dense);
                    double newCycles = Math.Max(cost.Cycles, s.IoCycles(b, cost));
                    if (!(newCycles < cycles * (1 - 1e-12))) break;
                    double gain = cycles / newCycles;
                    if (move == 1 && node.IsSparse && gain < fineThreshold) break;
                    var delta = s.DeltaFor(b, cost);
                    if (!s.Budget.Fits(s.Total + delta)) continue;
                    double score = criterion == GreedyCriterion.Marginal
                        ? Math.Log(gain) / (1e-9 + s.Budget.Weight(delta))
                        : -newCycles * (1e-9 + s.Budget.Weight(cost.Resources));
                    if (score > bestScore)
                    {
                        bestScore = score;
                        bci = nci; bco = nco; bcg = ncg; bfi = nfi; bUram = uram; bDense = dense;
                    }
                    break; // the current store fits: no need to move the weights
                }
            }
        }
        if (double.IsNegativeInfinity(bestScore)) return false;
        s.Apply(b, bci, bco, bcg, bfi, wr, bUram, bDense);
        return true;
    }

    /// <summary>
    /// Reclaim-and-relieve: the greedy is myopic (an early, cheap step can lock resources into an inefficient folding).
    /// Each round lowers the folding of every node whose cycles stay under a target below the current interval,
    /// freeing resources (step-downs, implementation or weight-store changes, most resources freed first), then runs the
    /// greedy again. A round is kept only if the interval drops; the target margin shrinks 20 %, 10 %, 5 %, 2 %.
    /// </summary>
    public static void Rebalance(PartitionState s, DesignOptions options, CancellationToken cancellationToken = default)
    {
        double[] margins = [0.2, 0.1, 0.05, 0.02];
        double floor = s.BandwidthFloorCycles(options);
        foreach (var margin in margins)
        {
            for (int round = 0; round < 8; round++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                double interval = s.Bottleneck().Cycles;
                if (interval <= floor) return;
                var snapshot = Snapshot(s);
                double target = interval * (1 - margin);
                foreach (var m in s.Members) Reclaim(s, m, target);
                Greedy(s, options, GreedyCriterion.Marginal, cancellationToken);
                if (s.Bottleneck().Cycles < interval * (1 - 1e-9)) continue;
                Restore(s, snapshot);
                break;
            }
        }
    }

    /// <summary>Lowers node m's folding step by step, most resources freed first, while its cycles stay ≤ target.</summary>
    private static void Reclaim(PartitionState s, int m, double target)
    {
        var original = s.Network.Nodes[m];
        while (true)
        {
            double bestFreed = 1e-12;
            int bci = 0, bco = 0, bcg = 0, bfi = 0;
            bool bUram = false, bDense = false, found = false;
            int implementations = original.DenseAlternative is null ? 1 : 2;
            for (int impl = 0; impl < implementations; impl++)
            {
                bool dense = impl == 0 ? s.DenseImpl[m] : !s.DenseImpl[m];
                var node = dense && original.DenseAlternative is not null ? original.DenseAlternative : original;
                int ci = s.Ci[m], co = s.Co[m], cg = s.Cg[m], fi = s.Fine[m], wr = s.Wr[m];
                if (Array.IndexOf(node.Fine, fi) < 0) fi = node.Fine.Last(v => v <= fi);
                for (int move = 0; move < 5; move++)
                {
                    int nci = ci, nco = co, ncg = cg, nfi = fi;
                    switch (move)
                    {
                        case 0: break; // implementation or store change only
                        case 1: nfi = Previous(node.Fine, fi); break;
                        case 2: nci = Previous(node.CoarseIn, ci); break;
                        case 3:
                            if (!node.IsWeightLayer) continue;
                            nco = Previous(node.CoarseOut, co);
                            if ((node.F / node.G / nco) % wr != 0) continue;
                            break;
                        case 4: ncg = Previous(node.CoarseGroup, cg); break;
                    }
                    if (move > 0 && nci == ci && nco == co && ncg == cg && nfi == fi) continue;
                    if (!node.IsWeightLayer) nco = nci;
                    for (int store = 0; store < 2; store++)
                    {
                        bool uram = store == 0 ? s.Uram[m] : !s.Uram[m];
                        if (store == 1 && !s.CanUseUram(m)) break;
                        if (move == 0 && impl == 0 && store == 0) continue; // no change at all
                        var cost = s.CostWith(m, nci, nco, ncg, nfi, wr, uram, dense);
                        if (Math.Max(cost.Cycles, s.IoCycles(m, cost)) > target) continue;
                        var delta = s.DeltaFor(m, cost);
                        if (!s.Budget.Fits(s.Total + delta)) continue;
                        double freed = -s.Budget.SignedWeight(delta);
                        if (freed > bestFreed)
                        {
                            bestFreed = freed;
                            bci = nci; bco = nco; bcg = ncg; bfi = nfi; bUram = uram; bDense = dense; found = true;
                        }
                    }
                }
            }
            if (!found) return;
            s.Apply(m, bci, bco, bcg, bfi, s.Wr[m], bUram, bDense);
        }
    }

    private static int Next(int[] values, int current)
    {
        int i = Array.IndexOf(values, current);
        return i >= 0 && i + 1 < values.Length ? values[i + 1] : current;
    }

    private static int Previous(int[] values, int current)
    {
        int i = Array.IndexOf(values, current);
        return i > 0 ? values[i - 1] : current;
    }

    /// <summary>
    /// Seeded simulated annealing, then a greedy pass from the best state found. Energy = interval × (1 + 1% of the
    /// budget fraction in use), so states that free resources at an equal interval are preferred; half the moves raise a
    /// factor of the bottleneck, half step a random node's factor up or down (or flip a sparse conv's implementation).
    /// Only moves that keep the design within the budget are considered, so the result always fits, and the best state
    /// (lowest interval, then least resources) is never slower than the greedy result it started from.
    /// </summary>
    public static void Anneal(PartitionState s, DesignOptions options, int iterations, CancellationToken cancellationToken = default)
    {
        var rng = new Random(options.Seed);
        var members = s.Members;
        var snapshot = Snapshot(s);
        double Energy(double interval) => interval * (1 + 0.01 * s.Budget.Weight(s.Total) / 5);
        double bestInterval = s.Bottleneck().Cycles;
        double bestWeight = s.Budget.Weight(s.Total);
        double current = Energy(bestInterval);
        double temperature = 0.05;
        double cooling = Math.Pow(1e-3 / temperature, 1.0 / Math.Max(1, iterations));
        for (int it = 0; it < iterations; it++, temperature *= cooling)
        {
            if ((it & 255) == 0) cancellationToken.ThrowIfCancellationRequested();
            bool relieve = rng.Next(2) == 0;
            int m = relieve ? s.Bottleneck().Node : members[rng.Next(members.Length)];
            bool dense = s.DenseImpl[m];
            if (!relieve && s.Network.Nodes[m].DenseAlternative is not null && rng.Next(8) == 0) dense = !dense;
            var node = dense ? s.Network.Nodes[m].DenseAlternative! : s.Network.Nodes[m];
            int ci = s.Ci[m], co = s.Co[m], cg = s.Cg[m], fi = s.Fine[m], wr = s.Wr[m];
            if (Array.IndexOf(node.Fine, fi) < 0) fi = node.Fine.Last(v => v <= fi);
            bool up = relieve || rng.Next(2) == 0;
            switch (rng.Next(4))
            {
                case 0: fi = up ? Next(node.Fine, fi) : Previous(node.Fine, fi); break;
                case 1: ci = up ? Next(node.CoarseIn, ci) : Previous(node.CoarseIn, ci); break;
                case 2: co = up ? Next(node.CoarseOut, co) : Previous(node.CoarseOut, co); break;
                default: cg = up ? Next(node.CoarseGroup, cg) : Previous(node.CoarseGroup, cg); break;
            }
            if (!node.IsWeightLayer) co = ci;
            else if ((node.F / node.G / co) % wr != 0) continue;
            if (ci == s.Ci[m] && co == s.Co[m] && cg == s.Cg[m] && fi == s.Fine[m] && dense == s.DenseImpl[m]) continue;
            var cost = s.CostWith(m, ci, co, cg, fi, wr, s.Uram[m], dense);
            if (!s.Budget.Fits(s.Total + s.DeltaFor(m, cost))) continue;
            int oci = s.Ci[m], oco = s.Co[m], ocg = s.Cg[m], ofi = s.Fine[m];
            bool odense = s.DenseImpl[m];
            s.Apply(m, ci, co, cg, fi, wr, s.Uram[m], dense);
            double interval = s.Bottleneck().Cycles;
            double candidate = Energy(interval);
            double change = (candidate - current) / current;
            if (change <= 0 || rng.NextDouble() < Math.Exp(-change / temperature))
            {
                current = candidate;
                double weight = s.Budget.Weight(s.Total);
                if (interval < bestInterval * (1 - 1e-12) || (interval <= bestInterval && weight < bestWeight))
                {
                    bestInterval = interval;
                    bestWeight = weight;
                    snapshot = Snapshot(s);
                }
            }
            else s.Apply(m, oci, oco, ocg, ofi, wr, s.Uram[m], odense);
        }
        Restore(s, snapshot);
        Greedy(s, options, GreedyCriterion.Marginal, cancellationToken);
    }

    private static (LayerFolding Folding, bool Uram, bool Dense)[] Snapshot(PartitionState s)
    {
        var f = new (LayerFolding, bool, bool)[s.Network.Nodes.Count];
        foreach (var m in s.Members) f[m] = (s.FoldingOf(m), s.Uram[m], s.DenseImpl[m]);
        return f;
    }

    private static void Restore(PartitionState s, (LayerFolding Folding, bool Uram, bool Dense)[] snapshot)
    {
        foreach (var m in s.Members)
        {
            var (f, uram, dense) = snapshot[m];
            s.Apply(m, f.CoarseIn, f.CoarseOut, f.CoarseGroup, f.Fine, f.WeightsReloading, uram, dense);
        }
    }
}
