using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>
/// The deterministic greedy of the DSE: relieve the bottleneck step by step while the design fits, then
/// reclaim-and-relieve rounds that undo myopic early steps.
/// </summary>
public static class GreedyFolding
{
    /// <summary>Fine-gain thresholds of the sparse greedy passes (fpgaConvNet optimiser: 1.2 then 1.01).</summary>
    public static readonly double[] SparseFineGainThresholds = [1.2, 1.01];

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
                if (Raised(node, move, ci, co, cg, baseFine, wr) is not (int nci, int nco, int ncg, int nfi)) continue;
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
    /// The folding after <paramref name="move"/> (0: unchanged, to switch the implementation; 1: fine; 2: coarse in;
    /// 3: coarse out; 4: coarse group) is raised to its next feasible value; null when the move does not apply.
    /// </summary>
    private static (int Ci, int Co, int Cg, int Fine)? Raised(Node node, int move, int ci, int co, int cg, int baseFine, int wr)
    {
        int nci = ci, nco = co, ncg = cg, nfi = baseFine;
        switch (move)
        {
            case 0: break; // switch implementation only
            case 1: nfi = FoldingSteps.Next(node.Fine, baseFine); break;
            case 2: nci = FoldingSteps.Next(node.CoarseIn, ci); break;
            case 3:
                if (!node.IsWeightLayer) return null; // one coarse factor
                nco = FoldingSteps.Next(node.CoarseOut, co);
                if ((node.F / node.G / nco) % wr != 0) return null;
                break;
            case 4: ncg = FoldingSteps.Next(node.CoarseGroup, cg); break;
        }
        if (move > 0 && nci == ci && nco == co && ncg == cg && nfi == baseFine) return null;
        if (!node.IsWeightLayer) nco = nci;
        return (nci, nco, ncg, nfi);
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
                var snapshot = FoldingSteps.Snapshot(s);
                double target = interval * (1 - margin);
                foreach (var m in s.Members) Reclaim(s, m, target);
                Greedy(s, options, GreedyCriterion.Marginal, cancellationToken);
                if (s.Bottleneck().Cycles < interval * (1 - 1e-9)) continue;
                FoldingSteps.Restore(s, snapshot);
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
                        case 1: nfi = FoldingSteps.Previous(node.Fine, fi); break;
                        case 2: nci = FoldingSteps.Previous(node.CoarseIn, ci); break;
                        case 3:
                            if (!node.IsWeightLayer) continue;
                            nco = FoldingSteps.Previous(node.CoarseOut, co);
                            if ((node.F / node.G / nco) % wr != 0) continue;
                            break;
                        case 4: ncg = FoldingSteps.Previous(node.CoarseGroup, cg); break;
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
}
