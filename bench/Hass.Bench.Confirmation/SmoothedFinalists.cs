using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;

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
    public static IEnumerable<FinalistsComparison> Compare(string path, TextWriter progress, CancellationToken ct)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        using var evaluators = new ZooEvaluators();
        var comparisons = new List<FinalistsComparison>();
        foreach (var campaign in store.Campaigns())
        {
            var spec = campaign.Spec;
            using var evaluator = evaluators.For(spec, campaign.EvaluatorFingerprint, path);
            var objective = new Objective(spec.Objective);
            var finalPart = IncumbentConfirmation.FinalPart(IncumbentConfirmation.SearchPartImages(spec, evaluator));
            var dense = evaluator.SearchSpace.Defaults();
            var top1 = new Dictionary<(int, string), double>();
            double Top1(TrialRecord t, string split)
            {
                if (!top1.TryGetValue((t.Number, split), out var value))
                    top1[(t.Number, split)] = value = evaluator.Evaluate(t.Parameters, new EvaluationRequest { Split = split, Profile = false }, ct).Top1;
                return value;
            }
            var denseFinal = evaluator.Evaluate(dense, new EvaluationRequest { Split = finalPart, Profile = false }, ct).Top1;
            var denseTest = evaluator.Evaluate(dense, new EvaluationRequest { Split = "test", Profile = false }, ct).Top1;
            var pick = new ConfirmedPick(objective, spec.Final, denseFinal, t => Top1(t, finalPart));
            PickOutcome Outcome(PickResult result) => result.Trial is { } t
                ? new PickOutcome(t.Number, Objective.Throughput(t), denseTest - Top1(t, "test"), result.Finalists.Count)
                : new PickOutcome(null, 0, double.NaN, result.Finalists.Count);
            var trials = store.Trials(campaign.Name);
            var comparison = new FinalistsComparison(Path.GetFileNameWithoutExtension(path), campaign.Name,
                Outcome(pick.Choose("counted", trials)), Outcome(pick.Choose("predicted", Predicted(trials, objective.Tolerance))));
            progress.WriteLine($"{comparison.Store} {comparison.Campaign}: {comparison.Counted} / {comparison.Predicted}");
            comparisons.Add(comparison);
        }
        return comparisons;
    }

    /// <summary>
    /// <paramref name="trials"/> with the search-split drop of every complete trial that has a smoothed drop replaced by the one the
    /// engine's line (<see cref="PredictedSearchDrop"/>, here fitted over all the campaign's trials) predicts, and feasibility with it.
    /// </summary>
    public static IReadOnlyList<TrialRecord> Predicted(IReadOnlyList<TrialRecord> trials, double tolerance)
    {
        if (PredictedSearchDrop.Line(trials, tolerance) is not { } line) return trials;
        return trials.Select(t => t.SmoothedDrop is { } smoothed && t.State == TrialState.Complete
            ? t with { ConstraintViolation = line.Intercept + line.Slope * smoothed - tolerance, Feasible = line.Intercept + line.Slope * smoothed <= tolerance }
            : t).ToList();
    }

    public static string Render(IReadOnlyList<FinalistsComparison> comparisons, string command)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{command}`").AppendLine();
        text.AppendLine("| store | campaign | pick as stored: img/s (test drop), finalists | finalists by predicted drop: img/s (test drop), finalists | ratio |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var c in comparisons)
            text.AppendLine(CultureInfo.InvariantCulture, $"| {c.Store} | {c.Campaign} | {Cell(c.Counted)} | {Cell(c.Predicted)} | {(c.Counted.Throughput > 0 ? c.Predicted.Throughput / c.Counted.Throughput : double.NaN):F3} |");
        return text.ToString();
    }

    private static string Cell(PickOutcome o) =>
        o.Trial is null ? "none" : FormattableString.Invariant($"{o.Throughput:F1} ({o.TestDrop:F2}), {o.Finalists}");
}
