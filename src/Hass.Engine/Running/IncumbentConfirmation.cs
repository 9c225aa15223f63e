using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>How a trial fared on the confirmation split, from its stored fields (null fields: it was not confirmed).</summary>
public static class TrialConfirmation
{
    public static bool Confirmed(this TrialRecord t) => t.ConfirmationDrop is not null && t.ConfirmationLimit is not null;
    public static bool PassedConfirmation(this TrialRecord t) => t.Confirmed() && AccuracyDrop.Within(t.ConfirmationDrop!.Value, t.ConfirmationLimit!.Value);
    public static bool FailedConfirmation(this TrialRecord t) => t.Confirmed() && !AccuracyDrop.Within(t.ConfirmationDrop!.Value, t.ConfirmationLimit!.Value);
}

/// <summary>
/// Confirmed incumbents (final.confirmIncumbents; docs/search.md): the search split's 2,000 images under-estimate the drop
/// of the trials a search selects, so a complete trial that is feasible there and beats the best confirmed trial so
/// far by more than final.confirmGain percent is re-scored during the campaign on the first final.incumbentImages images
/// of the confirmation split (at most half of it). Above tolerance − final.confirmMargin it is told to the strategy as
/// infeasible; within, it is the new confirmed incumbent. Choosing the fastest of many confirmed trials biases their
/// confirmation drop as it biased the search split's, so the final pick scores its finalists on the rest of the split,
/// which no selection has seen (the larger part: its drop estimate is the one the pick's margin has to cover).
/// The confirmed best is read from the trials finished when a trial started, so a resumed campaign rebuilds it from the
/// store and parallel trials need no shared state (two in flight may both be confirmed).
/// </summary>
public sealed class IncumbentConfirmation(Objective objective, double gainPercent, double limit, double denseTop1, int searchPartImages,
    double tolerance = double.NaN, double sigmas = 0, bool calibrate = false, bool mirrors = false)
{
    /// <summary>Confirmations needed before the search split's drop is calibrated (fewer say little about a bias).</summary>
    public const int CalibrationConfirmations = 3;
    /// <summary>The drop a confirmed trial may have on the confirmation split (a noisier design's limit is lower: <see cref="LimitFor"/>).</summary>
    public double Limit => AccuracyDrop.Round(limit);
    public double DenseTop1 => denseTop1;
    /// <summary>Images of the confirmation split the confirmations score (its first ones).</summary>
    public int PartImages => searchPartImages;

    /// <summary>
    /// The confirmation pass: the exact early stop ends it once even all remaining images right could not bring the drop within the
    /// limit, so a failing trial costs less than the whole split and is still certainly failing.
    /// </summary>
    public EvaluationRequest Request => new() { Split = SearchPart(searchPartImages, mirrors), Profile = false, BaselineTop1 = denseTop1, EarlyStopDrop = Limit, PairWithDefaults = sigmas > 0 };

    /// <summary>
    /// The limit of a trial whose confirmation drop has standard error <paramref name="standardError"/> (<see cref="PairedDrop"/>):
    /// tolerance − max(final.confirmMargin, final.confirmSigmas × standard error). The search confirms dozens of trials on the
    /// same images and climbs from those that pass, so a design that flips many images passes by luck far more often than
    /// one that flips few: its margin has to cover its own noise (docs/search.md).
    /// </summary>
    public double LimitFor(double? standardError) =>
        AccuracyDrop.Round(sigmas > 0 && standardError is { } se ? Math.Min(limit, tolerance - sigmas * se) : limit);

    /// <summary>Images of the confirmation split the search's confirmations use: final.incumbentImages, at most half the split.</summary>
    public static int SearchPartImages(CampaignSpec spec, ITrialEvaluator evaluator) => Math.Min(spec.Final.IncumbentImages, evaluator.ConfirmationImages / 2);

    /// <summary>
    /// The part of the confirmation split the search's confirmations use, and the part the final pick scores its finalists on; with
    /// <paramref name="mirrors"/> (final.mirrorConfirmations), each image together with its mirror image.
    /// </summary>
    public static string SearchPart(int searchPartImages, bool mirrors = false) => Mirrored(ConfirmationParts.First(searchPartImages), mirrors);
    public static string FinalPart(int searchPartImages, bool mirrors = false) => Mirrored(ConfirmationParts.After(searchPartImages), mirrors);
    public static string Mirrored(string split, bool mirrors) => mirrors ? MirroredSplits.Of(split) : split;

    /// <summary>Whether <paramref name="spec"/>'s incumbents are confirmed: the setting is on, final.confirmTop &gt; 0 and the evaluator has a confirmation split (an ONNX model has none).</summary>
    public static bool Wanted(CampaignSpec spec, ITrialEvaluator evaluator) =>
        spec.Final.ConfirmIncumbents && spec.Final.ConfirmTop > 0 && evaluator.ConfirmationImages >= 2;

    /// <summary>
    /// The confirmation of <paramref name="spec"/>'s incumbents, or null when not <see cref="Wanted"/> or the evaluator does not know the
    /// halves of its confirmation split (<paramref name="warn"/> says so). Evaluates the dense network on the search's half once (cached in the store).
    /// </summary>
    public static IncumbentConfirmation? For(CampaignSpec spec, Objective objective, HassStore store, ITrialEvaluator evaluator, Action<string> warn,
        CancellationToken cancellationToken)
    {
        if (!Wanted(spec, evaluator)) return null;
        var images = SearchPartImages(spec, evaluator);
        var mirrors = spec.Final.MirrorConfirmations;
        var dense = DenseTop1Of(store, evaluator, SearchPart(images, mirrors), cancellationToken);
        if (dense is null && mirrors)
        {
            warn("final.mirrorConfirmations: the evaluator has no mirror images; the search confirms on the images alone");
            (mirrors, dense) = (false, DenseTop1Of(store, evaluator, SearchPart(images), cancellationToken));
        }
        if (dense is null) warn($"final.confirmIncumbents: the evaluator has no '{SearchPart(images, mirrors)}' split; the search runs without confirmed incumbents");
        return dense is { } top1
            ? new IncumbentConfirmation(objective, spec.Final.ConfirmGain, objective.Tolerance - spec.Final.ConfirmMargin, top1, images, objective.Tolerance,
                spec.Final.ConfirmSigmas, spec.Final.CalibrateSearchDrop, mirrors)
            : null;
    }

    /// <summary>The dense network's top-1 on <paramref name="split"/> (cached in the store); null when the evaluator does not have the split (<see cref="ITrialEvaluator.HasSplit"/>).</summary>
    public static double? DenseTop1Of(HassStore store, ITrialEvaluator evaluator, string split, CancellationToken cancellationToken) =>
        evaluator.HasSplit(split)
            ? CachedEvaluateStage.Evaluate(store, evaluator, evaluator.SearchSpace.Defaults(), new EvaluationRequest { Split = split, Profile = false }, cancellationToken).Top1
            : null;

    /// <summary>The best trial of <paramref name="trials"/> that passed its confirmation; null when none has.</summary>
    public TrialRecord? Best(IEnumerable<TrialRecord> trials) => objective.Best(trials.Where(t => t.PassedConfirmation()));

    /// <summary>
    /// With final.calibrateSearchDrop: the median of (confirmation drop − search-split drop) over the confirmed trials of
    /// <paramref name="previous"/>, within [0, tolerance]; 0 before <see cref="CalibrationConfirmations"/> confirmations; null when off.
    /// The median, because a confirmation cut short by its early stop reports a drop from its first images only.
    /// </summary>
    public double? SearchDropOffset(IEnumerable<TrialRecord> previous)
    {
        if (!calibrate) return null;
        var excess = previous.Where(t => t.Confirmed()).Select(t => t.ConfirmationDrop!.Value - objective.SearchDrop(t)).ToList();
        return excess.Count < CalibrationConfirmations ? 0 : Math.Clamp(Statistics.Median(excess), 0, objective.Tolerance);
    }

    /// <summary>Whether <paramref name="trial"/> (just scored) is to be confirmed: feasible on the search split (calibrated, when on) and better than the confirmed best by the gain.</summary>
    public bool Wants(TrialRecord trial, IEnumerable<TrialRecord> previous)
    {
        if (trial.State != TrialState.Complete || !trial.Feasible || trial.ObjectiveValues.Count == 0) return false;
        if (!AccuracyDrop.Within(trial.ConstraintViolation + (trial.SearchDropOffset ?? 0), 0)) return false;
        if (Best(previous) is not { } best) return true;
        var (value, bar) = (objective.Primary(trial), objective.Primary(best));
        var factor = gainPercent / 100;
        return objective.Better(value, objective.Directions[0] == ObjectiveDirection.Maximize ? bar * (1 + factor) : bar * (1 - factor));
    }

    /// <summary><paramref name="trial"/> with its confirmation top-1, drop, the drop's standard error when paired, and its limit.</summary>
    public TrialRecord Stamp(TrialRecord trial, EvaluationOutcome confirmation)
    {
        var standardError = PairedDrop.StandardError(confirmation);
        return trial with
        {
            ConfirmationTop1 = confirmation.Top1, ConfirmationDrop = AccuracyDrop.Between(denseTop1, confirmation.Top1),
            ConfirmationStandardError = standardError, ConfirmationLimit = LimitFor(standardError),
        };
    }
}
