using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// final.secondLookImages (docs/search.md): a drop counted on the search split's 2,000 images is a few tenths of a point off, and
/// that matters only near the limit, where it decides whether the strategy is told feasible. A trial whose drop as the strategy
/// would be told it (with final.calibrateSearchDrop, plus the calibration's offset) lies within final.secondLookBand of the tolerance
/// is scored again on images of the confirmation split between the confirmations' part and the final pick's, and judged by the drop
/// pooled over both image sets: the noise of the gate shrinks where it decides, and clearly good or clearly hopeless trials cost
/// nothing more.
/// </summary>
public sealed class SecondLook(Objective objective, int start, int images, double denseTop1, double band)
{
    public int Images => images;
    public double DenseTop1 => denseTop1;
    public double Band => band;

    public EvaluationRequest Request => new() { Split = ConfirmationParts.Range(start, images), Profile = false, BaselineTop1 = denseTop1 };

    /// <summary>
    /// Images of the confirmation split the second look uses: final.secondLookImages when the incumbents are confirmed, at most what
    /// keeps the final pick's part at least half the split; 0 when off.
    /// </summary>
    public static int ImagesOf(CampaignSpec spec, ITrialEvaluator evaluator)
    {
        if (spec.Final.SecondLookImages == 0 || !IncumbentConfirmation.Wanted(spec, evaluator)) return 0;
        var confirmations = IncumbentConfirmation.SearchPartImages(spec, evaluator);
        return Math.Max(0, Math.Min(spec.Final.SecondLookImages, evaluator.ConfirmationImages / 2 - confirmations));
    }

    /// <summary>
    /// The second look of <paramref name="spec"/>, or null when off or the evaluator does not know the range (<paramref name="warn"/> says so).
    /// Evaluates the dense network on its images once (cached in the store).
    /// </summary>
    public static SecondLook? For(CampaignSpec spec, Objective objective, HassStore store, ITrialEvaluator evaluator, Action<string> warn, CancellationToken ct)
    {
        var images = ImagesOf(spec, evaluator);
        if (images == 0) return null;
        var start = IncumbentConfirmation.SearchPartImages(spec, evaluator);
        var split = ConfirmationParts.Range(start, images);
        if (IncumbentConfirmation.DenseTop1Of(store, evaluator, split, ct) is { } dense)
            return new SecondLook(objective, start, images, dense, spec.Final.SecondLookBand);
        warn($"final.secondLookImages: the evaluator has no '{split}' split; the search runs without a second look");
        return null;
    }

    /// <summary>
    /// Whether <paramref name="trial"/> (scored on the search split, not stopped early) lies near enough the tolerance once
    /// <paramref name="offset"/> (the calibration's, <see cref="IncumbentConfirmation.SearchDropOffset"/>; 0 without) is added.
    /// </summary>
    public bool Wants(TrialRecord trial, double offset = 0) =>
        trial.Accuracy is not null && trial.State == TrialState.Running && AccuracyDrop.Within(Math.Abs(trial.ConstraintViolation + offset), band);

    /// <summary><paramref name="trial"/> judged by its drop pooled over the search split's and the second look's images.</summary>
    public TrialRecord Apply(TrialRecord trial, EvaluationOutcome look)
    {
        var searchDrop = objective.SearchDrop(trial);
        var lookDrop = AccuracyDrop.Between(denseTop1, look.Top1);
        var pooled = (searchDrop * trial.AccuracyImages + lookDrop * look.Images) / (trial.AccuracyImages + look.Images);
        var violation = objective.Violation(pooled);
        return trial with { CountedDrop = trial.CountedDrop ?? searchDrop, SecondLookDrop = lookDrop, ConstraintViolation = violation, Feasible = violation <= 0 };
    }
}
