using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running.Pipeline;

namespace Hass.Distributed;

/// <summary>The owner's <see cref="IRemoteTrialStages"/>: each search opens the dispatch with its identity, and its trials go to workers.</summary>
public sealed class DistributedTrials(TrialDispatch dispatch, HassComponents components, BoardLibrary boards) : IRemoteTrialStages
{
    public ITrialStage Open(CampaignSpec spec, ITrialEvaluator evaluator)
    {
        dispatch.Open(WorkerIdentity.Of(evaluator, components, boards.Get(spec.Board)));
        return new RemoteTrialStage(dispatch);
    }
}

/// <summary>
/// Replaces the evaluate stage on the owner: sends the trial to a worker, which runs evaluate, profile and design,
/// and puts the worker's evaluation and design on the trial (the owner's profile stage and caches take it from there).
/// </summary>
public sealed class RemoteTrialStage(TrialDispatch dispatch) : ITrialStage
{
    public string Name => "evaluate";

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var result = await dispatch.SubmitAsync(HassJson.Serialize(work.Record), HassJson.Serialize(work.Request), work.Record.Number, cancellationToken)
            .ConfigureAwait(false);
        if (result.Error is not null) throw new RemoteTrialException(result.Error);
        work.Evaluation = HassJson.Deserialize<EvaluationOutcome>(result.EvaluationJson ?? throw new RemoteTrialException("the worker sent no evaluation"));
        if (result.DesignJson is null) return;
        work.Design = HassJson.Deserialize<HardwareDesign>(result.DesignJson);
        work.StageSeconds["design"] = result.DesignSeconds;
    }
}
