using System.Text.Json;
using Hass.Engine.Campaigns;
using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>
/// The search-split filter of the final phase's picks: a design is a candidate only when its accuracy drop on the
/// search split is at most tolerance − margin (final.pickMargin, points). Without a confirmation split it is the
/// whole pick; with one, the candidates are confirmed (<see cref="ConfirmedPick"/>). The search split's 2,000 images give each trial's
/// top-1 a standard error of about 0.6 points, so the fastest of many trials that pass the tolerance is biased
/// towards ones whose drop was under-estimated; the margin is that bias, paid once, for HASS and uniform alike.
/// </summary>
public static class MarginPick
{
    /// <summary>The fastest completed trial whose search-split drop is within tolerance − margin.</summary>
    public static TrialRecord? Best(Objective objective, IEnumerable<TrialRecord> trials, double margin) => objective.Best(Within(trials, margin));

    /// <summary>The trials whose search-split drop is within tolerance − margin (all of them when the margin is 0).</summary>
    public static IEnumerable<TrialRecord> Within(IEnumerable<TrialRecord> trials, double margin) =>
        margin > 0 ? trials.Where(t => AccuracyDrop.Within(t.ConstraintViolation, -margin)) : trials;

    /// <summary>The uniform baseline's strategy (<paramref name="name"/>) with its accuracy tolerance lowered by the margin.</summary>
    public static ComponentChoice UniformStrategy(CampaignSpec spec, string name) => spec.Final.PickMargin > 0
        ? new ComponentChoice
        {
            Name = name,
            Settings = JsonSerializer.SerializeToElement(new { tolerance = AccuracyDrop.Round(Math.Max(0, spec.Objective.ToleranceTop1 - spec.Final.PickMargin)) }),
        }
        : new ComponentChoice { Name = name };
}
