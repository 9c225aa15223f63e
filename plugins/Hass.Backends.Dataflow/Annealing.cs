using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>The optional seeded annealing refinement of the DSE (after the greedy).</summary>
public static class Annealing
{
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
        var snapshot = FoldingSteps.Snapshot(s);
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
                case 0: fi = up ? FoldingSteps.Next(node.Fine, fi) : FoldingSteps.Previous(node.Fine, fi); break;
                case 1: ci = up ? FoldingSteps.Next(node.CoarseIn, ci) : FoldingSteps.Previous(node.CoarseIn, ci); break;
                case 2: co = up ? FoldingSteps.Next(node.CoarseOut, co) : FoldingSteps.Previous(node.CoarseOut, co); break;
                default: cg = up ? FoldingSteps.Next(node.CoarseGroup, cg) : FoldingSteps.Previous(node.CoarseGroup, cg); break;
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
                    snapshot = FoldingSteps.Snapshot(s);
                }
            }
            else s.Apply(m, oci, oco, ocg, ofi, wr, s.Uram[m], odense);
        }
        FoldingSteps.Restore(s, snapshot);
        GreedyFolding.Greedy(s, options, GreedyFolding.GreedyCriterion.Marginal, cancellationToken);
    }
}
