using Hass.Abstractions;

namespace Hass.Search.Core;

/// <summary>Objective bookkeeping shared by the strategies: losses (minimised), feasibility, Pareto ranks.</summary>
public static class Ranking
{
    /// <summary>
    /// The outcome's values turned into losses to minimise (Maximize values negated), or null when the outcome
    /// does not carry one finite value per direction.
    /// </summary>
    public static double[]? Losses(TrialOutcome o, IReadOnlyList<ObjectiveDirection> directions)
    {
        if (o.Values is null || o.Values.Count != directions.Count) return null;
        var loss = new double[directions.Count];
        for (var i = 0; i < loss.Length; i++)
        {
            var v = o.Values[i];
            if (!double.IsFinite(v)) return null;
            loss[i] = directions[i] == ObjectiveDirection.Maximize ? -v : v;
        }
        return loss;
    }

    /// <summary>How far outside the constraints the outcome is: 0 when feasible; NaN counts as infinitely far.</summary>
    public static double Violation(TrialOutcome o) =>
        double.IsNaN(o.ConstraintViolation) ? double.PositiveInfinity : Math.Max(0, AccuracyDrop.Round(o.ConstraintViolation));

    public static bool IsFeasible(TrialOutcome o) => Violation(o) <= 0;

    /// <summary>a dominates b (all losses ≤, at least one &lt;).</summary>
    public static bool Dominates(double[] a, double[] b)
    {
        var strictly = false;
        for (var i = 0; i < a.Length; i++)
        {
            if (a[i] > b[i]) return false;
            if (a[i] < b[i]) strictly = true;
        }
        return strictly;
    }

    /// <summary>Non-domination rank of each point (0 = Pareto front), by the fast non-dominated sort.</summary>
    public static int[] NondominatedRanks(IReadOnlyList<double[]> losses)
    {
        var n = losses.Count;
        var ranks = new int[n];
        var dominatedBy = new int[n];
        var dominates = new List<int>[n];
        for (var i = 0; i < n; i++) dominates[i] = [];
        for (var i = 0; i < n; i++)
            for (var j = i + 1; j < n; j++)
            {
                if (Dominates(losses[i], losses[j])) { dominates[i].Add(j); dominatedBy[j]++; }
                else if (Dominates(losses[j], losses[i])) { dominates[j].Add(i); dominatedBy[i]++; }
            }
        var front = Enumerable.Range(0, n).Where(i => dominatedBy[i] == 0).ToList();
        var rank = 0;
        while (front.Count > 0)
        {
            var next = new List<int>();
            foreach (var i in front)
            {
                ranks[i] = rank;
                foreach (var j in dominates[i])
                    if (--dominatedBy[j] == 0) next.Add(j);
            }
            next.Sort();
            front = next;
            rank++;
        }
        return ranks;
    }

    /// <summary>NSGA-II crowding distance of each member of one front (boundary points: +∞).</summary>
    public static double[] CrowdingDistances(IReadOnlyList<double[]> front)
    {
        var n = front.Count;
        var distance = new double[n];
        if (n == 0) return distance;
        var m = front[0].Length;
        for (var k = 0; k < m; k++)
        {
            var order = Enumerable.Range(0, n).OrderBy(i => front[i][k]).ThenBy(i => i).ToArray();
            var span = front[order[^1]][k] - front[order[0]][k];
            distance[order[0]] = distance[order[^1]] = double.PositiveInfinity;
            if (span <= 0) continue;
            for (var r = 1; r < n - 1; r++)
                distance[order[r]] += (front[order[r + 1]][k] - front[order[r - 1]][k]) / span;
        }
        return distance;
    }

    /// <summary>
    /// Indices of the <paramref name="count"/> best points by (non-domination rank, then crowding distance
    /// descending, then index) — the NSGA-II survivor selection; with one objective simply the smallest losses.
    /// </summary>
    public static List<int> SelectBest(IReadOnlyList<double[]> losses, int count)
    {
        count = Math.Min(count, losses.Count);
        var ranks = NondominatedRanks(losses);
        var chosen = new List<int>(count);
        foreach (var group in Enumerable.Range(0, losses.Count).GroupBy(i => ranks[i]).OrderBy(g => g.Key))
        {
            var members = group.ToList();
            if (chosen.Count + members.Count <= count) { chosen.AddRange(members); continue; }
            var crowding = CrowdingDistances(members.Select(i => losses[i]).ToList());
            chosen.AddRange(Enumerable.Range(0, members.Count)
                .OrderByDescending(i => crowding[i]).ThenBy(i => members[i])
                .Take(count - chosen.Count).Select(i => members[i]));
            break;
        }
        return chosen;
    }
}

/// <summary>
/// The engine's confirmation of an outcome (<see cref="OutcomeMetrics.ConfirmationDrop"/>): present only on the trials it re-scored on
/// the confirmation split as new incumbents. A trial that failed there is told infeasible; one that passed is a confirmed incumbent.
/// </summary>
public readonly record struct Confirmation(double Drop, double Limit)
{
    public bool Passed => AccuracyDrop.Within(Drop, Limit);
    /// <summary>Points the confirmed trial may still lose on the confirmation split.</summary>
    public double Slack => Limit - Drop;

    public static Confirmation? Of(TrialOutcome o) =>
        o.Metrics is { } m && m.TryGetValue(OutcomeMetrics.ConfirmationDrop, out var drop) && m.TryGetValue(OutcomeMetrics.ConfirmationLimit, out var limit)
            && double.IsFinite(drop) && double.IsFinite(limit) ? new Confirmation(drop, limit) : null;

    public static bool Failed(TrialOutcome o) => Of(o) is { Passed: false };
}

/// <summary>
/// The accuracy side of an outcome, for the strategies that steer by accuracy (uniform, greedy): feasibility is
/// Metrics["accuracyDrop"] ≤ tolerance (and no failed confirmation) when a tolerance is configured and the metric is present,
/// otherwise ConstraintViolation ≤ 0 (which the engine defines as accuracyDrop − tolerance, or by the failed confirmation).
/// </summary>
public sealed class AccuracyGuard(double? tolerance)
{
    public const string AccuracyKey = "accuracy";
    public const string AccuracyDropKey = "accuracyDrop";

    public double? Tolerance { get; } = tolerance;

    public bool IsFeasible(TrialOutcome o)
    {
        if (o.State != TrialState.Complete) return false;
        if (Tolerance is { } tol && o.Metrics is not null && o.Metrics.TryGetValue(AccuracyDropKey, out var drop) && double.IsFinite(drop))
            return AccuracyDrop.Within(drop, tol) && !Confirmation.Failed(o);
        return Ranking.IsFeasible(o);
    }

    /// <summary>Accuracy on any consistent scale: Metrics accuracy, else −accuracyDrop, else −violation.</summary>
    public static double Accuracy(TrialOutcome o)
    {
        if (o.Metrics is not null)
        {
            if (o.Metrics.TryGetValue(AccuracyKey, out var acc) && double.IsFinite(acc)) return acc;
            if (o.Metrics.TryGetValue(AccuracyDropKey, out var drop) && double.IsFinite(drop)) return -drop;
        }
        return double.IsFinite(o.ConstraintViolation) ? -o.ConstraintViolation : double.NegativeInfinity;
    }
}
