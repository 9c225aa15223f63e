using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;
using Hass.Models.Zoo;
using Hass.Pruning.Threshold;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Bench.Confirmation;

/// <summary>The evaluators of stored campaigns, in process: the zoo models and threshold pruning as `hass run` loads them.</summary>
public sealed class ZooEvaluators : IDisposable
{
    private readonly ServiceProvider _provider;
    private readonly TorchTrialEvaluatorFactory _factory;

    public ZooEvaluators()
    {
        var services = new ServiceCollection();
        new ZooPlugin().ConfigureServices(services);
        new ThresholdPruningPlugin().ConfigureServices(services);
        services.AddHassTorch();
        _provider = services.BuildServiceProvider();
        _factory = _provider.GetRequiredService<TorchTrialEvaluatorFactory>();
    }

    /// <summary>The evaluator a campaign's trials were made with; refuses one whose fingerprint changed (checkpoint or splits retrained).</summary>
    public TorchTrialEvaluator For(CampaignSpec spec, string? fingerprint, string store)
    {
        var evaluator = _factory.CreateEvaluator(spec.ToEvaluatorSpec());
        if (fingerprint is not null && evaluator.Fingerprint != fingerprint)
        {
            evaluator.Dispose();
            throw new InvalidOperationException($"{store}: campaign {spec.Name} was made with another evaluator (checkpoint or splits changed)");
        }
        return evaluator;
    }

    public void Dispose() => _provider.Dispose();
}

/// <summary>A campaign of a finished store, its trials and the evaluator they were made with.</summary>
public sealed record StoredCampaign(CampaignDocument Campaign, TorchTrialEvaluator Evaluator, IReadOnlyList<TrialRecord> Trials)
{
    /// <summary>Top-1 (percent) of the network pruned with <paramref name="parameters"/> on the images of <paramref name="split"/>, without a profile.</summary>
    public double Top1(ParameterSet parameters, string split, CancellationToken ct) =>
        Evaluator.Evaluate(parameters, new EvaluationRequest { Split = split, Profile = false }, ct).Top1;
}

/// <summary>Runs a bench mode over every campaign of a store, each with the evaluator its trials were made with.</summary>
public static class StoredCampaigns
{
    public static List<T> SelectMany<T>(string path, Func<StoredCampaign, IEnumerable<T>> body)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        using var evaluators = new ZooEvaluators();
        var results = new List<T>();
        foreach (var campaign in store.Campaigns())
        {
            using var evaluator = evaluators.For(campaign.Spec, campaign.EvaluatorFingerprint, path);
            results.AddRange(body(new StoredCampaign(campaign, evaluator, store.Trials(campaign.Name))));
        }
        return results;
    }
}
