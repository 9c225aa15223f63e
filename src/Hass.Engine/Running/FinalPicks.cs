using System.Globalization;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>The two picks of the final table and, when they were confirmed, the dense network's confirmation top-1.</summary>
public sealed record FinalPickSet(PickResult Uniform, PickResult Hass, double? DenseConfirmationTop1, int ConfirmationImages);

/// <summary>
/// Chooses the uniform and the HASS design of the final table by one rule: confirmed on the confirmation split
/// (<see cref="ConfirmedPick"/>) when the evaluator has one and final.confirmTop &gt; 0, else the search split's
/// margin pick (<see cref="MarginPick"/>; the uniform baseline's own choice first, as it bisected for it).
/// </summary>
public static class FinalPicks
{
    public static FinalPickSet Choose(CampaignSpec spec, HassStore store, Objective objective, ITrialEvaluator evaluator, Action<string> info, CancellationToken ct)
    {
        var uniformName = FinalPhase.UniformCampaignName(spec);
        var baseline = store.GetCampaign(uniformName);
        var uniformTrials = baseline is null ? [] : store.Trials(uniformName);
        var searchTrials = store.Trials(spec.Name);
        if (spec.Dataset.SearchOnTestSet)
            info("final: dataset.searchOnTestSet: the search saw the test set, so this table bounds what a search can reach (the oracle ceiling); it is no held-out result");
        if (spec.Final.ConfirmTop == 0 || evaluator.ConfirmationImages == 0)
        {
            if (spec.Final.ConfirmTop > 0) info("final: the evaluator has no confirmation split (no images held out beyond the search split); picking on the search split");
            var uniform = baseline is null ? null
                : uniformTrials.LastOrDefault(t => t.Origin == baseline.Spec.Strategy.Name + ":choice" && t.Feasible) ?? objective.Best(uniformTrials);
            var best = MarginPick.Best(objective, searchTrials, spec.Final.PickMargin);
            return new FinalPickSet(Unconfirmed(uniform), Unconfirmed(best), null, 0);
        }

        // With confirmed incumbents the search chose among trials on the first part; the finalists are scored on the rest, unseen.
        var searchPart = IncumbentConfirmation.SearchPartImages(spec, evaluator) + SecondLook.ImagesOf(spec, evaluator);
        var mirrors = spec.Final.MirrorConfirmations;
        var scored = ScoredPart(spec, store, evaluator, searchPart, mirrors, ct);
        if (scored.DenseTop1 is null && mirrors)
        {
            info("final: final.mirrorConfirmations: the evaluator has no mirror images; confirming on the images alone");
            (mirrors, scored) = (false, ScoredPart(spec, store, evaluator, searchPart, mirrors: false, ct));
        }
        var (split, images, isPart) = (scored.Split, scored.Images, scored.IsPart);
        var denseTop1 = scored.DenseTop1 ?? throw new InvalidOperationException($"the evaluator could not score the unpruned network on its '{split}' split");
        var faster = spec.Final.ConfirmFaster > 0 ? $", then up to {spec.Final.ConfirmFaster} trials faster than the pick that the finalists hid" : "";
        info($"final: confirming up to {spec.Final.ConfirmTop} finalists per pick{faster} on the confirmation split ({images} images{(mirrors ? " and their mirror images" : "")}{(isPart ? $", the part the search did not use (it used the first {searchPart})" : "")})");
        var pick = new ConfirmedPick(objective, spec.Final, denseTop1, t => evaluator.Evaluate(t.Parameters, new EvaluationRequest { Split = split, Profile = false }, ct).Top1);
        var uniformPick = baseline is null ? PickResult.None : Log(pick.Choose("uniform", uniformTrials), info);
        var hassPick = Log(pick.Choose("hass", searchTrials), info);
        return new FinalPickSet(uniformPick, hassPick, denseTop1, images);
    }

    /// <summary>
    /// The images the finalists are scored on and the unpruned network's top-1 there (null when the evaluator does not know them): the
    /// part of the confirmation split the search did not use when it confirmed incumbents and the evaluator knows the parts, else the whole split.
    /// </summary>
    private static (string Split, int Images, double? DenseTop1, bool IsPart) ScoredPart(CampaignSpec spec, HassStore store, ITrialEvaluator evaluator,
        int searchPart, bool mirrors, CancellationToken ct)
    {
        var part = IncumbentConfirmation.FinalPart(searchPart, mirrors);
        if (IncumbentConfirmation.Wanted(spec, evaluator) && IncumbentConfirmation.DenseTop1Of(store, evaluator, part, ct) is { } partTop1)
            return (part, evaluator.ConfirmationImages - searchPart, partTop1, true);
        var whole = IncumbentConfirmation.Mirrored("confirmation", mirrors);
        return (whole, evaluator.ConfirmationImages, IncumbentConfirmation.DenseTop1Of(store, evaluator, whole, ct), false);
    }

    private static PickResult Unconfirmed(TrialRecord? trial) => trial is null ? PickResult.None : new PickResult(trial, null, [], null);

    private static PickResult Log(PickResult result, Action<string> info)
    {
        var inv = CultureInfo.InvariantCulture;
        foreach (var f in result.Finalists)
            info($"final: {f.Label} finalist trial {f.Trial}: {f.Throughput.ToString("F1", inv)} img/s, drop {f.SearchDrop.ToString("F2", inv)} search / " +
                 $"{f.ConfirmationDrop.ToString("F2", inv)} confirmation{(f.Chosen ? " (chosen)" : "")}");
        return result;
    }
}
