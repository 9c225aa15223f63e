using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// What a strategy is told about a stored trial, and the metrics (accuracy, throughput…) strategies and warm starts rank by. With the
/// <paramref name="board"/>, each design layer's share of the binding resource too.
/// </summary>
public sealed class TrialOutcomes(Objective objective, BoardSpec? board = null)
{
    /// <summary>
    /// A trial that failed its confirmation is told infeasible by how far its confirmation drop passed the limit; one that passed, feasible
    /// by its search-split margin; any other is told its search-split violation plus its <see cref="TrialRecord.SearchDropOffset"/>.
    /// </summary>
    public TrialOutcome OutcomeOf(TrialRecord t, int strategyNumber) =>
        new(strategyNumber, t.Parameters, t.State, t.State == TrialState.Complete ? t.ObjectiveValues : [], ViolationOf(t), MetricsOf(t));

    private static double ViolationOf(TrialRecord t) =>
        AccuracyDrop.Round(t.FailedConfirmation() ? t.ConfirmationDrop!.Value - t.ConfirmationLimit!.Value
            : t.PassedConfirmation() ? t.ConstraintViolation
            : t.ConstraintViolation + (t.SearchDropOffset ?? 0));

    public IReadOnlyDictionary<string, double>? MetricsOf(TrialRecord t)
    {
        if (t.Accuracy is null) return null;
        var d = new Dictionary<string, double>
        {
            ["accuracy"] = t.Accuracy.Value, ["accuracyDrop"] = objective.SearchDrop(t), ["effectiveSparsity"] = t.EffectiveSparsity,
            ["weightSparsity"] = t.WeightSparsity, ["activationSparsity"] = t.ActivationSparsity,
        };
        if (t.Design is { } design)
        {
            var throughput = Objective.Throughput(t);
            var (gopsPerDsp, latency) = TrialMetrics.Scaled(design, throughput);
            d["throughput"] = throughput;
            d["gopsPerDsp"] = gopsPerDsp;
            d["latency"] = latency;
            foreach (var layer in design.Layers)
            {
                d[OutcomeMetrics.CyclesPrefix + layer.Layer] = layer.Cycles;
                if (layer.FloorCycles is { } floor) d[OutcomeMetrics.FloorPrefix + layer.Layer] = floor;
            }
            if (board is not null)
                foreach (var (layer, share) in BoardUtilisation.BindingShares(design, board)) d[OutcomeMetrics.ResourcePrefix + layer] = share;
        }
        if (t.SmoothedDrop is { } smoothed) d[OutcomeMetrics.SmoothedDrop] = smoothed;
        foreach (var (layer, sparsity) in t.LayerSparsity) d[OutcomeMetrics.SparsityPrefix + layer] = sparsity;
        if (t.Confirmed())
        {
            d[OutcomeMetrics.ConfirmationDrop] = t.ConfirmationDrop!.Value;
            d[OutcomeMetrics.ConfirmationLimit] = t.ConfirmationLimit!.Value;
        }
        return d;
    }
}

/// <summary>Stored feasible points of earlier campaigns with the same warm-start key, queued when a campaign is created.</summary>
public static class WarmStarts
{
    /// <summary>How many stored feasible points of earlier campaigns are queued as warm starts.</summary>
    public const int Count = 5;

    public static IReadOnlyList<WarmStartPoint> Find(HassStore store, CampaignSpec spec, Objective objective, SearchSpace space)
    {
        var outcomes = new TrialOutcomes(objective);
        var seen = new HashSet<string>();
        var points = new List<WarmStartPoint>();
        var candidates = store.WarmStartCandidates(spec.WarmStartKey(), spec.Name)
            .Where(t => Objective.IsCandidate(t) && space.Contains(t.Parameters))
            .OrderBy(t => Rank(t, spec, objective, outcomes)).ThenBy(t => t.Campaign, StringComparer.Ordinal).ThenBy(t => t.Number);
        foreach (var t in candidates)
        {
            if (!seen.Add(t.Parameters.QuantisedKey())) continue;
            points.Add(new WarmStartPoint(t.Parameters, $"warm-start:{t.Campaign}#{t.Number}"));
            if (points.Count == Count) break;
        }
        return points;
    }

    /// <summary>Orders stored trials best first on this campaign's primary metric (multi: throughput).</summary>
    private static double Rank(TrialRecord t, CampaignSpec spec, Objective objective, TrialOutcomes outcomes)
    {
        var key = spec.Objective.Metric switch
        {
            ObjectiveMetric.GopsPerDsp => "gopsPerDsp",
            ObjectiveMetric.Latency => "latency",
            _ => "throughput",
        };
        if (outcomes.MetricsOf(t) is not { } metrics || !metrics.TryGetValue(key, out var value)) return double.PositiveInfinity;
        return objective.Directions[0] == ObjectiveDirection.Maximize ? -value : value;
    }
}
