using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Torch.Evaluation;

namespace Hass.Bench.Confirmation;

/// <summary>One finalist's top-1 drop (points, against the dense network on the same images) on each split.</summary>
public sealed record FinalistScore(string Store, string Campaign, int Trial, double Throughput, double Search, double Confirmation, double Test,
    double ConfirmationFirstPart)
{
    /// <summary>The campaign's own pick (its final table's "hass" row; null for a baseline campaign or without a final table), img/s.</summary>
    public double? Picked { get; init; }
    /// <summary>The final pick's limit on the confirmation split: tolerance − final.confirmMargin, points.</summary>
    public double PickLimit { get; init; }
    /// <summary>The images of the campaign's splits: search, confirmation, and the confirmation split's first part (its final.incumbentImages).</summary>
    public required int SearchImages { get; init; }
    public required int ConfirmationImages { get; init; }
    public required int FirstPartImages { get; init; }

    /// <summary>The drop on the confirmation split's images after its first part (what the final pick scores with confirmed incumbents).</summary>
    public double ConfirmationRest =>
        (Confirmation * ConfirmationImages - ConfirmationFirstPart * FirstPartImages) / (ConfirmationImages - FirstPartImages);

    /// <summary>The drop over search and confirmation images together (10,000 for the Fashion-MNIST zoo).</summary>
    public double Pooled => (Search * SearchImages + Confirmation * ConfirmationImages) / (SearchImages + ConfirmationImages);
}

/// <summary>Scores the finalists of every campaign of a store with the evaluator its trials were made with.</summary>
public static class FinalistScoring
{
    /// <summary>
    /// Scores each campaign's <paramref name="count"/> candidates: the front of throughput against search accuracy (fastest first) or, with
    /// <paramref name="fastest"/>, the fastest distinct complete trials whose search-split drop is at most tolerance + <paramref name="over"/>
    /// (feasible or not: what the final pick could have tried had it scored every trial).
    /// </summary>
    public static IEnumerable<FinalistScore> Score(string path, int count, TextWriter progress, CancellationToken ct, bool fastest = false, double over = 0.3) =>
        StoredCampaigns.SelectMany(path, stored =>
        {
            var (campaign, evaluator, trials) = (stored.Campaign, stored.Evaluator, stored.Trials);
            var spec = campaign.Spec;
            var objective = new Objective(spec.Objective);
            var scores = new List<FinalistScore>();
            var front = (fastest
                ? StoredTrials.Fastest(trials, over)
                : ConfirmedPick.Front(objective.Ranked(trials))).Take(count).ToList();
            var picked = campaign.Final?.Rows.FirstOrDefault(r => r.Label == "hass")?.Throughput;
            var pickLimit = spec.Objective.ToleranceTop1 - spec.Final.ConfirmMargin;
            double Top1(ParameterSet p, string split) => stored.Top1(p, split, ct);
            var dense = evaluator.SearchSpace.Defaults();
            var firstPartImages = IncumbentConfirmation.SearchPartImages(spec, evaluator);
            var firstPart = ConfirmationParts.First(firstPartImages);
            var (denseSearch, denseConfirmation, denseTest) = (Top1(dense, "search"), Top1(dense, "confirmation"), Top1(dense, "test"));
            var denseFirstPart = Top1(dense, firstPart);
            foreach (var trial in front)
            {
                var score = new FinalistScore(Path.GetFileNameWithoutExtension(path), campaign.Name, trial.Number, Objective.Throughput(trial),
                    denseSearch - Top1(trial.Parameters, "search"), denseConfirmation - Top1(trial.Parameters, "confirmation"), denseTest - Top1(trial.Parameters, "test"),
                    denseFirstPart - Top1(trial.Parameters, firstPart))
                {
                    Picked = picked, PickLimit = pickLimit,
                    SearchImages = spec.Dataset.SearchImages, ConfirmationImages = evaluator.ConfirmationImages, FirstPartImages = firstPartImages,
                };
                progress.WriteLine($"{score.Store} {score.Campaign} trial {score.Trial}: {score.Throughput:F1} img/s, drop {score.Search:F2} search, {score.Confirmation:F2} confirmation ({score.ConfirmationFirstPart:F2} first {firstPartImages}), {score.Test:F2} test");
                scores.Add(score);
            }
            return scores;
        });
}
