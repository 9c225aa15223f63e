using System.Globalization;
using Hass.Abstractions;

namespace Hass.Bench.Confirmation;

/// <summary>
/// Whether a campaign's evaluator, made again, is the one its trials were made with: the dense network and each given trial must score the stored
/// search-split top-1. The fingerprint check (<see cref="ZooEvaluators"/>) catches a retrained checkpoint or other splits; this catches a network
/// that loaded wrong in this process (a bench mode that trains, such as the fine-tune probe, must not measure on it).
/// </summary>
public static class StoredReproduction
{
    /// <summary>Points of top-1 a re-scored network may differ by (one image in 1,000: another torch thread count may reorder float sums).</summary>
    public const double Top1Tolerance = 0.1;

    /// <summary>What does not come out as stored, or null.</summary>
    public static string? Mismatch(StoredCampaign stored, IEnumerable<TrialRecord> trials, CancellationToken ct)
    {
        var dense = stored.Evaluator.SearchSpace.Defaults();
        return Mismatch("the dense network", stored.Campaign.BaselineTop1, () => stored.Top1(dense, "search", ct))
            ?? trials.Select(t => Mismatch($"trial {t.Number}", t.Accuracy, () => stored.Top1(t.Parameters, "search", ct))).FirstOrDefault(m => m is not null);
    }

    /// <summary>The mismatch of one network's search-split top-1 with the stored one (none when nothing is stored), or null.</summary>
    public static string? Mismatch(string what, double? stored, Func<double> measure)
    {
        if (stored is not { } expected) return null;
        var measured = measure();
        return Math.Abs(measured - expected) <= Top1Tolerance ? null
            : string.Create(CultureInfo.InvariantCulture, $"{what} scores {measured:F2} % top-1 on the search split, {expected:F2} % stored");
    }
}
