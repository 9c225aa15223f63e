using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// final.predictSearchDrop (docs/search.md): on 2,000 images the counted drop of a design that flips many images is off by up
/// to a point, while its smoothed drop (<see cref="TrialRecord.SmoothedDrop"/>) moves with every image. The least-squares line
/// from smoothed to counted drop over the campaign's earlier trials turns a trial's smoothed drop into a counted drop with the
/// noise of the line, not of the trial's own count.
/// </summary>
public static class PredictedSearchDrop
{
    /// <summary>Earlier trials with a smoothed drop needed before the line is trusted (the sweep gives about this many).</summary>
    public const int MinimumTrials = 20;

    /// <summary>The trial's counted drop on the search split, points.</summary>
    public static double Counted(TrialRecord t, Objective objective) => t.CountedDrop ?? objective.SearchDrop(t);

    /// <summary>
    /// The line over <paramref name="previous"/>'s complete trials with a smoothed drop and a counted drop within twice the tolerance
    /// (far worse designs only tell the line's far end); null with fewer than <see cref="MinimumTrials"/> or a slope that is not positive.
    /// </summary>
    public static (double Intercept, double Slope)? Line(IEnumerable<TrialRecord> previous, Objective objective)
    {
        var points = previous
            .Where(t => t.State == TrialState.Complete && t.SmoothedDrop is not null && Counted(t, objective) <= 2 * objective.Tolerance)
            .Select(t => (X: t.SmoothedDrop!.Value, Y: Counted(t, objective))).ToList();
        if (points.Count < MinimumTrials) return null;
        var line = Statistics.Line(points);
        return line.Slope > 0 ? line : null;
    }

    /// <summary><paramref name="t"/> judged by the drop <paramref name="line"/> predicts from its smoothed drop, its count kept as <see cref="TrialRecord.CountedDrop"/>.</summary>
    public static TrialRecord Apply(TrialRecord t, (double Intercept, double Slope) line, Objective objective)
    {
        var violation = objective.Violation(line.Intercept + line.Slope * t.SmoothedDrop!.Value);
        return t with { CountedDrop = Counted(t, objective), ConstraintViolation = violation, Feasible = violation <= 0 };
    }
}
