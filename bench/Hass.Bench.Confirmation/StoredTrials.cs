using Hass.Abstractions;
using Hass.Engine.Running;

namespace Hass.Bench.Confirmation;

/// <summary>Which stored trials the bench's modes re-score.</summary>
public static class StoredTrials
{
    /// <summary>The fastest distinct complete trials whose search-split drop is at most <paramref name="over"/> points past the tolerance, fastest first.</summary>
    public static IEnumerable<TrialRecord> Fastest(IEnumerable<TrialRecord> trials, double over) =>
        trials.Where(t => t.State == TrialState.Complete && t.ObjectiveValues.Count > 0 && t.ConstraintViolation <= over)
            .OrderByDescending(Objective.Throughput).DistinctBy(t => t.Parameters.QuantisedKey());
}
