using System.Globalization;
using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>A finalist of the confirmed pick: a trial re-scored on the confirmation split.</summary>
public sealed record Finalist
{
    /// <summary>Which pick it competed for ("uniform" or "hass").</summary>
    public required string Label { get; init; }
    public required int Trial { get; init; }
    public double Throughput { get; init; }
    /// <summary>Top-1 drop on the search split (what the search saw), points.</summary>
    public double SearchDrop { get; init; }
    /// <summary>Top-1 drop on the confirmation split, against the dense network on the same images, points.</summary>
    public double ConfirmationDrop { get; init; }
    public bool Chosen { get; init; }
}

/// <summary>What <see cref="ConfirmedPick.Choose"/> chose and why.</summary>
public sealed record PickResult(TrialRecord? Trial, double? ConfirmationTop1, IReadOnlyList<Finalist> Finalists, string? Note)
{
    public static PickResult None { get; } = new(null, null, [], null);
}

/// <summary>
/// The final table's confirmed pick (docs/search.md, "Final table"): the search split scored every trial, so the
/// fastest trial that passes there is biased towards drops the split under-estimated. Up to
/// <see cref="FinalSpec.ConfirmTop"/> finalists — feasible trials (drop within tolerance − pickMargin on the search
/// split), best objective first, each more accurate on the search split than every better one — are re-scored in
/// that order on the confirmation split, held-out images the search never saw, and the first whose drop there is
/// within tolerance − <see cref="FinalSpec.ConfirmMargin"/> is chosen; the search's confirmed incumbent, and every other trial that
/// passed its confirmation during the search, is always a finalist (<see cref="IncumbentConfirmation"/>, <see cref="Candidates"/>). <see cref="FinalSpec.ConfirmFaster"/> more
/// confirmations may then try trials better than the pick that the finalists' front hid. When none passes, the
/// trial with the smallest confirmed drop is chosen and the row's note says so. The drop on the
/// confirmation split alone decides (not pooled with the search split): the search split's images carry the
/// selection bias the confirmation exists to remove. HASS and uniform picks follow the same rule.
/// </summary>
public sealed class ConfirmedPick(Objective objective, FinalSpec final, double denseConfirmationTop1, Func<TrialRecord, double> confirmationTop1)
{
    public double Limit => AccuracyDrop.Round(objective.Tolerance - final.ConfirmMargin);

    public PickResult Choose(string label, IEnumerable<TrialRecord> trials)
    {
        var ranked = objective.Ranked(MarginPick.Within(trials, final.PickMargin));
        var finalists = new List<(TrialRecord Trial, double Top1, Finalist Finalist)>();
        bool Confirm(TrialRecord trial)
        {
            var top1 = confirmationTop1(trial);
            var finalist = new Finalist
            {
                Label = label, Trial = trial.Number, Throughput = Objective.Throughput(trial),
                SearchDrop = objective.SearchDrop(trial), ConfirmationDrop = AccuracyDrop.Between(denseConfirmationTop1, top1),
            };
            finalists.Add((trial, top1, finalist));
            return AccuracyDrop.Within(finalist.ConfirmationDrop, Limit);
        }
        var chosen = -1;
        foreach (var trial in Candidates(ranked, final.ConfirmTop))
            if (Confirm(trial)) { chosen = finalists.Count - 1; break; }
        chosen = ConfirmFaster(ranked, finalists, chosen, Confirm);
        if (chosen >= 0) return Result(finalists, chosen, null);
        if (finalists.Count == 0) return PickResult.None;
        var safest = finalists.Select((f, i) => (f.Finalist.ConfirmationDrop, i)).Min().i;
        var inv = CultureInfo.InvariantCulture;
        return Result(finalists, safest, $"none of the {finalists.Count} finalists stayed within {Limit.ToString("F2", inv)} points on the confirmation split; " +
            $"this one lost least ({finalists[safest].Finalist.ConfirmationDrop.ToString("F2", inv)})");
    }

    /// <summary>
    /// <see cref="FinalSpec.ConfirmFaster"/> more confirmations for trials better than the pick (all trials when none passed),
    /// none of them confirmed yet: the <see cref="Front"/> of those, best first, re-computed whenever one passes (it is the
    /// new pick) or the whole front was refused (the trials it hid come next). The finalists' front skips a trial that a
    /// faster one beats on the search split's accuracy; when that faster one is refused, this gives the hidden one its turn.
    /// With <see cref="ConfirmFasterCandidates.WithinLimit"/> only trials whose calibrated search-split drop is within the pick's limit take part.
    /// Returns the index of the pick among <paramref name="finalists"/> (-1: none passed).
    /// </summary>
    private int ConfirmFaster(IReadOnlyList<TrialRecord> ranked, List<(TrialRecord Trial, double Top1, Finalist Finalist)> finalists, int chosen,
        Func<TrialRecord, bool> confirm)
    {
        var left = final.ConfirmFaster;
        while (left > 0)
        {
            var confirmed = finalists.Select(f => f.Trial.Number).ToHashSet();
            var better = chosen >= 0 ? ranked.TakeWhile(t => t.Number != finalists[chosen].Trial.Number) : ranked;
            var front = Front(better.Where(t => !confirmed.Contains(t.Number) && Eligible(t))).ToList();
            if (front.Count == 0) break;
            foreach (var trial in front.Take(left))
            {
                left--;
                if (!confirm(trial)) continue;
                chosen = finalists.Count - 1;
                break;
            }
        }
        return chosen;
    }

    private bool Eligible(TrialRecord trial) => final.ConfirmFasterCandidates == ConfirmFasterCandidates.Front
        || AccuracyDrop.Within(trial.ConstraintViolation + (trial.SearchDropOffset ?? 0), -final.ConfirmMargin);

    /// <summary>
    /// Up to <paramref name="top"/> trials of the <see cref="Front"/>, best first. With a confirmed incumbent (the best trial that passed
    /// its confirmation during the search) the finalists are the front of the trials better than it, then it even when the search
    /// split ranked it off the front, then the front of the trials after it that are more accurate on the search split than all of
    /// them: up to <paramref name="top"/> + 1, each safer than the one before as far as the search split can tell. Every other trial
    /// that passed its confirmation during the search joins them in its rank: those are the designs held-out images already
    /// vouched for, and without them a refused front falls back past faster confirmed designs to a safer, slower one.
    /// </summary>
    public static IEnumerable<TrialRecord> Candidates(IReadOnlyList<TrialRecord> ranked, int top)
    {
        var index = ranked.ToList().FindIndex(t => t.PassedConfirmation());
        if (index < 0) return Front(ranked).Take(top);
        var incumbent = ranked[index];
        var before = Front(ranked.Take(index)).Take(top).ToList();
        var bar = Math.Min(incumbent.ConstraintViolation, before.Count > 0 ? before[^1].ConstraintViolation : double.PositiveInfinity);
        var after = Front(ranked.Skip(index + 1)).Where(t => t.ConstraintViolation < bar);
        var finalists = before.Append(incumbent).Concat(after).Take(top + 1).ToHashSet(ReferenceEqualityComparer.Instance);
        return ranked.Where(t => finalists.Contains(t) || t.PassedConfirmation());
    }

    /// <summary>
    /// Best first, each trial that is more accurate on the search split than every better one (the front of
    /// objective against accuracy): the next finalist is always a safer design, so a few finalists span the range of
    /// drops instead of crowding at the tolerance, where the fastest trials are.
    /// </summary>
    public static IEnumerable<TrialRecord> Front(IEnumerable<TrialRecord> ranked)
    {
        var lowest = double.PositiveInfinity;
        foreach (var trial in ranked)
        {
            if (trial.ConstraintViolation >= lowest) continue;
            lowest = trial.ConstraintViolation;
            yield return trial;
        }
    }

    private static PickResult Result(List<(TrialRecord Trial, double Top1, Finalist Finalist)> finalists, int chosen, string? note) =>
        new(finalists[chosen].Trial, finalists[chosen].Top1,
            finalists.Select((f, i) => f.Finalist with { Chosen = i == chosen }).ToList(), note);
}
