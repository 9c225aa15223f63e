using Hass.Abstractions;
using Hass.Engine.Campaigns;

namespace Hass.Engine.Running;

/// <summary>The metrics of one trial that objectives are computed from.</summary>
public sealed record TrialMetrics(double Accuracy, double AccuracyDrop, double Throughput, double GopsPerDsp, double Latency,
    double EffectiveSparsity, double WeightSparsity, double ActivationSparsity)
{
    /// <summary>
    /// GOP/s per DSP and latency of a design when its throughput is <paramref name="throughput"/> instead of the
    /// predicted one (measured or calibrated): both scale with the throughput ratio.
    /// </summary>
    public static (double GopsPerDsp, double Latency) Scaled(HardwareDesign design, double throughput)
    {
        var predicted = design.Performance.ThroughputImagesPerSecond;
        var scale = predicted > 0 && throughput > 0 ? throughput / predicted : 1.0;
        return (design.Performance.GopPerSecondPerDsp * scale, design.Performance.LatencySeconds / scale);
    }
}

/// <summary>
/// Turns metrics into objective values and a constraint: by default maximise throughput subject to
/// accuracyDrop ≤ tolerance (ConstraintViolation = drop − tolerance); or GOP/s per DSP, latency (minimised),
/// or the pair (accuracy, throughput) whose feasible non-dominated trials form the Pareto set.
/// </summary>
public sealed class Objective(ObjectiveSpec spec)
{
    public ObjectiveSpec Spec { get; } = spec;
    public double Tolerance => Spec.ToleranceTop1;
    public bool IsMulti => Spec.Metric == ObjectiveMetric.Multi;

    public IReadOnlyList<ObjectiveDirection> Directions => IsMulti
        ? [ObjectiveDirection.Maximize, ObjectiveDirection.Maximize]
        : [CampaignSpec.NaturalDirection(Spec.Metric)];

    public IReadOnlyList<string> ValueNames => Spec.Metric switch
    {
        ObjectiveMetric.Multi => ["accuracy", "throughput"],
        ObjectiveMetric.GopsPerDsp => ["gopsPerDsp"],
        ObjectiveMetric.Latency => ["latency"],
        _ => ["throughput"],
    };

    public IReadOnlyList<double> Values(TrialMetrics m) => Spec.Metric switch
    {
        ObjectiveMetric.Multi => [m.Accuracy, m.Throughput],
        ObjectiveMetric.GopsPerDsp => [m.GopsPerDsp],
        ObjectiveMetric.Latency => [m.Latency],
        _ => [m.Throughput],
    };

    public double Violation(double accuracyDrop) => AccuracyDrop.Round(accuracyDrop - Tolerance);

    /// <summary>
    /// The drop <paramref name="t"/> is judged by before any confirmation: its search-split drop, or the one predicted or pooled in its
    /// place (<see cref="TrialRecord.CountedDrop"/> keeps the count then), read back from its violation.
    /// </summary>
    public double SearchDrop(TrialRecord t) => AccuracyDrop.Round(t.ConstraintViolation + Tolerance);

    /// <summary>True when <paramref name="a"/> is better than <paramref name="b"/> on the primary value.</summary>
    public bool Better(double a, double b) => Directions[0] == ObjectiveDirection.Maximize ? a > b : a < b;

    /// <summary>The best feasible completed trial on the primary value (for multi: highest throughput).</summary>
    public TrialRecord? Best(IEnumerable<TrialRecord> trials)
    {
        TrialRecord? best = null;
        foreach (var t in trials)
        {
            if (!IsCandidate(t)) continue;
            var v = Primary(t);
            if (best is null || Better(v, Primary(best))) best = t;
        }
        return best;
    }

    /// <summary>The feasible completed trials, best first on the primary value (ties keep their order, as in <see cref="Best"/>).</summary>
    public IReadOnlyList<TrialRecord> Ranked(IEnumerable<TrialRecord> trials)
    {
        var feasible = trials.Where(IsCandidate);
        return (Directions[0] == ObjectiveDirection.Maximize ? feasible.OrderByDescending(Primary) : feasible.OrderBy(Primary)).ToList();
    }

    /// <summary>Complete, feasible on the search split and not refused by its confirmation (a trial the strategy was told is feasible).</summary>
    public static bool IsCandidate(TrialRecord t) =>
        t.State == TrialState.Complete && t.Feasible && t.ObjectiveValues.Count > 0 && !t.FailedConfirmation();

    /// <summary>The value trials are ranked by: the objective, or throughput for multi.</summary>
    public double Primary(TrialRecord t) => IsMulti ? t.ObjectiveValues[1] : t.ObjectiveValues[0];

    /// <summary>Feasible completed trials not dominated in (accuracy, throughput), sorted by throughput.</summary>
    public static IReadOnlyList<TrialRecord> ParetoFront(IEnumerable<TrialRecord> trials)
    {
        var points = trials.Where(t => t.State == TrialState.Complete && t.Feasible && !t.FailedConfirmation() && t.Accuracy is not null && t.Design is not null)
            .Select(t => (Trial: t, Acc: t.Accuracy!.Value, Thr: Throughput(t))).ToList();
        return points.Where(p => !points.Any(q => q.Acc >= p.Acc && q.Thr >= p.Thr && (q.Acc > p.Acc || q.Thr > p.Thr)))
            .OrderBy(p => p.Thr).Select(p => p.Trial).ToList();
    }

    /// <summary>The throughput the objective used: measured when there is one, else (calibrated) predicted.</summary>
    public static double Throughput(TrialRecord t) => t.MeasuredThroughput ?? t.PredictedThroughput ?? t.Design?.Performance.ThroughputImagesPerSecond ?? 0;
}
