using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Running.Pipeline;

namespace Hass.Distributed;

/// <summary>A worker's stages of a trial: evaluate, profile and design, on the worker's own evaluator (one trial at a time).</summary>
public sealed class WorkerPipeline(ITrialEvaluator evaluator, CampaignSpec spec, BoardSpec board, IAcceleratorBackend backend)
{
    private readonly TrialPipeline _pipeline = new(
    [
        new EvaluateStage(evaluator),
        new ProfileStage(new Objective(spec.Objective), spec.Model),
        new DesignStage(evaluator.Graph, board, backend, spec.TrialDesignOptions),
    ]);

    /// <summary>The stages' results; a stage that throws is the trial's failure (cancellation is not: the worker is stopping).</summary>
    public async Task<TrialResult> RunAsync(TrialAssignment assignment, CancellationToken cancellationToken)
    {
        var work = new TrialWork(HassJson.Deserialize<TrialRecord>(assignment.RecordJson), HassJson.Deserialize<EvaluationRequest>(assignment.RequestJson), []);
        try
        {
            await _pipeline.RunAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new TrialResult { Lease = assignment.Lease, Error = $"{e.GetType().Name}: {e.Message}" };
        }
        return new TrialResult
        {
            Lease = assignment.Lease, EvaluationJson = HassJson.Serialize(work.Evaluation),
            DesignJson = work.Design is null ? null : HassJson.Serialize(work.Design), DesignSeconds = work.StageSeconds.GetValueOrDefault("design"),
        };
    }
}
