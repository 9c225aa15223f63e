using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// Creates or reopens a campaign's stored document and its unpruned baseline, refusing a resume whose identity, evaluator
/// or designer (backend version, board figures) changed.
/// </summary>
internal sealed class CampaignOpening(CampaignSpec spec, string source, HassStore store, Objective objective, ICampaignObserver observer, DesignerIdentity designer)
{
    /// <summary>The stored campaign, refused when its identity differs from <see cref="spec"/> (checked before any model loads).</summary>
    public CampaignDocument? Existing()
    {
        var campaign = store.GetCampaign(spec.Name);
        if (campaign is not null && campaign.IdentityJson != spec.IdentityJson())
            throw new CampaignException(source, [$"name: a campaign '{spec.Name}' with different settings already exists in store {store.Path}; " +
                $"give the campaign another name (or --name), or use another --store. Stored: {campaign.IdentityJson}"]);
        if (campaign?.Designer?.Differences(designer) is { Count: > 0 } changed)
            throw new CampaignException(source, [.. changed.Select(c => $"{c}; campaign '{spec.Name}' holds {Designs(campaign)} made before, " +
                "and resuming would add designs of another cost model: start a new campaign from the same file with --name (points this store " +
                "has evaluated are not evaluated again, only designed anew), or undo the change to resume it")]);
        return campaign;
    }

    /// <summary>A new campaign is stored with its warm starts; a stored one must have the same evaluator fingerprint.</summary>
    public CampaignDocument Open(CampaignDocument? campaign, ITrialEvaluator evaluator)
    {
        if (campaign is null)
        {
            campaign = new CampaignDocument
            {
                Name = spec.Name, Spec = spec, Source = source, IdentityJson = spec.IdentityJson(), WarmStartKey = spec.WarmStartKey(),
                EvaluatorFingerprint = evaluator.Fingerprint, GraphName = evaluator.Graph.Name, Designer = designer,
                WarmStarts = spec.WarmStart ? WarmStarts.Find(store, spec, objective, evaluator.SearchSpace) : [],
            };
            store.SaveCampaign(campaign);
            if (campaign.WarmStarts.Count > 0) observer.Info($"warm start: {campaign.WarmStarts.Count} stored feasible points of earlier campaigns queued");
            return campaign;
        }
        if (campaign.EvaluatorFingerprint is not null && campaign.EvaluatorFingerprint != evaluator.Fingerprint)
            throw new CampaignException(source, [$"model: the model, data or criterion of campaign '{spec.Name}' changed since it was started " +
                $"(evaluator fingerprint {Short(campaign.EvaluatorFingerprint)} → {Short(evaluator.Fingerprint)}); start a new campaign (--name)"]);
        return campaign with { Spec = spec, Resumes = campaign.Resumes + 1, Designer = designer };
    }

    /// <summary>The unpruned point's accuracy on the search split, evaluated once per campaign (cached like any evaluation).</summary>
    public CampaignDocument WithBaseline(CampaignDocument campaign, ITrialEvaluator evaluator, CancellationToken cancellationToken)
    {
        if (campaign.BaselineTop1 is not null) return campaign;
        var request = new EvaluationRequest { Split = "search", Profile = false };
        var baseline = CachedEvaluateStage.Evaluate(store, evaluator, evaluator.SearchSpace.Defaults(), request, cancellationToken);
        observer.Info($"baseline (unpruned) top-1 on the search split: {baseline.Top1:F2}% on {baseline.Images} images");
        return campaign with { BaselineTop1 = baseline.Top1, BaselineImages = baseline.Images, BaselineSoftTop1 = baseline.SoftTop1 };
    }

    private string Designs(CampaignDocument campaign) => store.Trials(campaign.Name).Count(t => t.Design is not null) is var n and not 1 ? $"{n} designs" : "1 design";

    private static string Short(string hash) => hash.Length > 12 ? hash[..12] : hash;
}
