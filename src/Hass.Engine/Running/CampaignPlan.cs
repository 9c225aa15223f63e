using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>What a campaign plan shows as it goes (the CLI writes it to the console).</summary>
public interface IPlanOutput
{
    /// <summary>A search is about to start; returns the observer of its trials.</summary>
    ICampaignObserver SearchStarting(CampaignSpec spec, string storePath);
    void Info(string message);
    void Warning(string message);
    void SearchFinished(CampaignResult result);
    void FinalTable(FinalSummary summary);
    /// <summary>Writes the campaign's report; returns the folder written.</summary>
    string WriteReport(string campaign);
}

/// <summary>How a plan ended: the last search run, and the measurements it asked for that failed across its searches.</summary>
public sealed record PlanResult(CampaignResult Result, int MeasurementFailures, string? MeasurementError);

/// <summary>
/// A campaign from start to end: the uniform baseline (its own campaign, when the final section asks for one) →
/// the search → the final table (test-set accuracy of dense, uniform and best) → the report. Each search resumes
/// from the store, so running the plan again continues where it stopped. <paramref name="interruptReason"/> says why the run was
/// stopped when something other than the user stopped it (the cluster's Redis failed): the interrupted campaign is stored with that reason.
/// </summary>
public sealed class CampaignPlan(CampaignSpec spec, string source, HassStore store, HassComponents components, BoardLibrary boards,
    IDesignMeasurer? measurer, IPlanOutput output, IRemoteTrialStages? remote = null, Func<string?>? interruptReason = null)
{
    public async Task<PlanResult> RunAsync(CancellationToken cancellationToken)
    {
        var plan = await RunStepsAsync(cancellationToken).ConfigureAwait(false);
        return plan.Result.Status == CampaignStatus.Interrupted && interruptReason?.Invoke() is { } reason
            ? plan with { Result = WithReason(plan.Result, reason) }
            : plan;
    }

    /// <summary>The interrupted campaign's stored message says why, so `hass status` tells it long after the run's error line.</summary>
    private CampaignResult WithReason(CampaignResult result, string reason)
    {
        var message = $"{result.Message}: {reason}";
        if (store.GetCampaign(result.Campaign) is { } stored) store.SaveCampaign(stored with { Message = message });
        return result with { Message = message };
    }

    private async Task<PlanResult> RunStepsAsync(CancellationToken cancellationToken)
    {
        var searches = new List<CampaignResult>();
        if (spec.Final.Enabled && spec.Final.UniformBaselineTrials > 0)
        {
            var baseline = FinalPhase.UniformBaseline(spec, components);
            output.Info($"baseline '{baseline.Name}': uniform thresholds chosen for accuracy only ({spec.Final.UniformBaselineTrials} trials), then DSE");
            var baselineResult = await SearchAsync(baseline, cancellationToken).ConfigureAwait(false);
            if (baselineResult.Status != CampaignStatus.Complete) return new PlanResult(baselineResult, 0, null);
            searches.Add(baselineResult);
        }
        var result = await SearchAsync(spec, cancellationToken).ConfigureAwait(false);
        searches.Add(result);
        if (result.Status == CampaignStatus.Complete && spec.Final.Enabled)
        {
            try
            {
                var summary = FinalPhase.Build(spec, store, components, boards, output.Info, output.Warning, cancellationToken);
                output.FinalTable(summary);
                var folder = output.WriteReport(spec.Name);
                output.Info($"report written to {folder}");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                result = InterruptedInFinalPhase(result);
            }
        }
        var failed = searches.Where(r => r.MeasurementFailures > 0).ToList();
        return new PlanResult(result, failed.Sum(r => r.MeasurementFailures), failed.LastOrDefault()?.MeasurementError);
    }

    /// <summary>
    /// The search is complete but its final table is not: the campaign is stored as interrupted, so `hass status` does not
    /// call it complete, and running the same command again makes the table (the search has nothing left to run).
    /// </summary>
    private CampaignResult InterruptedInFinalPhase(CampaignResult result)
    {
        const string message = "interrupted while making the final table";
        if (store.GetCampaign(spec.Name) is { } stored) store.SaveCampaign(stored with { Status = CampaignStatus.Interrupted, Message = message });
        var interrupted = result with { Status = CampaignStatus.Interrupted, Message = message };
        output.SearchFinished(interrupted);
        return interrupted;
    }

    private async Task<CampaignResult> SearchAsync(CampaignSpec campaign, CancellationToken cancellationToken)
    {
        var observer = output.SearchStarting(campaign, store.Path);
        var result = await new CampaignSearch(campaign, source, store, components, boards, observer, measurer, remote).RunAsync(cancellationToken).ConfigureAwait(false);
        output.SearchFinished(result);
        return result;
    }
}
