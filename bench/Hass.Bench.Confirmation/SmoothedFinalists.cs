using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;

namespace Hass.Bench.Confirmation;

/// <summary>The engine's final pick of one campaign, as it was and with the finalists chosen by the predicted search-split drop.</summary>
public sealed record FinalistsComparison(string Store, string Campaign, PickOutcome Counted, PickOutcome Predicted);

/// <summary>A pick (null trial: none) with its test-set drop and how many finalists it re-scored.</summary>
public sealed record PickOutcome(int? Trial, double Throughput, double TestDrop, int Finalists);

/// <summary>
/// The final pick spends its confirmations on finalists ranked by the search split's counted drop, which on 2,000 images can be
/// off by a point for a design that flips many images, so fast designs that are safe on fresh images never become finalists.
/// This re-runs the engine's <see cref="ConfirmedPick"/> on a finished campaign's trials twice: as stored, and with each trial's
/// search-split drop replaced by the one its smoothed drop predicts (a least-squares line over the campaign's complete trials).
/// </summary>
public static class SmoothedFinalists
{
    public static IEnumerable<FinalistsComparison> Compare(string path, TextWriter progress, CancellationToken ct) =>
        StoredCampaigns.SelectMany<FinalistsComparison>(path, stored =>
        {
            var (spec, evaluator) = (stored.Campaign.Spec, stored.Evaluator);
            var objective = new Objective(spec.Objective);
            var finalPart = IncumbentConfirmation.FinalPart(IncumbentConfirmation.SearchPartImages(spec, evaluator));
            var top1 = new Dictionary<(int, string), double>();
            double Top1(ParameterSet parameters, int key, string split)
            {
                if (!top1.TryGetValue((key, split), out var value))
                    top1[(key, split)] = value = stored.Top1(parameters, split, ct);
                return value;
            }
            var dense = evaluator.SearchSpace.Defaults();
            var (denseFinal, denseTest) = (Top1(dense, -1, finalPart), Top1(dense, -1, "test"));
            var pick = new ConfirmedPick(objective, spec.Final, denseFinal, t => Top1(t.Parameters, t.Number, finalPart));
            PickOutcome Outcome(PickResult result) => result.Trial is { } t
                ? new PickOutcome(t.Number, Objective.Throughput(t), denseTest - Top1(t.Parameters, t.Number, "test"), result.Finalists.Count)
                : new PickOutcome(null, 0, double.NaN, result.Finalists.Count);
            var comparison = new FinalistsComparison(Path.GetFileNameWithoutExtension(path), stored.Campaign.Name,
                Outcome(pick.Choose("counted", stored.Trials)), Outcome(pick.Choose("predicted", Predicted(stored.Trials, objective))));
            progress.WriteLine($"{comparison.Store} {comparison.Campaign}: {comparison.Counted} / {comparison.Predicted}");
            return [comparison];
        });

    /// <summary>
    /// <paramref name="trials"/> with the search-split drop of every complete trial that has a smoothed drop replaced by the one the
    /// engine's line (<see cref="PredictedSearchDrop"/>, here fitted over all the campaign's trials) predicts, and feasibility with it.
    /// </summary>
    public static IReadOnlyList<TrialRecord> Predicted(IReadOnlyList<TrialRecord> trials, Objective objective)
    {
        if (PredictedSearchDrop.Line(trials, objective) is not { } line) return trials;
        return trials.Select(t => t.SmoothedDrop is not null && t.State == TrialState.Complete ? PredictedSearchDrop.Apply(t, line, objective) : t).ToList();
    }

    public static string Render(IReadOnlyList<FinalistsComparison> comparisons)
    {
        var text = new StringBuilder();
        text.AppendLine("| store | campaign | pick as stored: img/s (test drop), finalists | finalists by predicted drop: img/s (test drop), finalists | ratio |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var c in comparisons)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Store} | {c.Campaign} | {Cell(c.Counted)} | {Cell(c.Predicted)} | {(c.Counted.Throughput > 0 ? c.Predicted.Throughput / c.Counted.Throughput : double.NaN):F3} |");
        return text.ToString();
    }

    private static string Cell(PickOutcome o) =>
        o.Trial is null ? "none" : FormattableString.Invariant($"{o.Throughput:F1} ({o.TestDrop:F2}), {o.Finalists}");
}
