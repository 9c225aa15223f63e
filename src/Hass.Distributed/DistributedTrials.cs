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
        var board = boards.Get(spec.Board);
        dispatch.Open(WorkerIdentity.Of(evaluator, components, board));
        return new RemoteTrialStage(dispatch, evaluator.Graph, board);
    }
}

/// <summary>
/// Replaces the evaluate stage on the owner: sends the trial to a worker, which runs evaluate, profile and design,
/// and puts the worker's evaluation and design on the trial (the owner's profile stage and caches take it from there).
/// What a worker sends is checked as the owner's own evaluator and backend would be (<see cref="EvaluationCheck"/>,
/// <see cref="DesignCheck"/>): a worker that is buggy, or sends what it should not, fails the trial with a message naming it,
/// and nothing it sent is stored.
/// </summary>
public sealed class RemoteTrialStage(TrialDispatch dispatch, NetworkGraph graph, BoardSpec board) : ITrialStage
{
    public string Name => "evaluate";

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var result = await dispatch.SubmitAsync(HassJson.Serialize(work.Record), HassJson.Serialize(work.Request), work.Record.Number, cancellationToken)
            .ConfigureAwait(false);
        if (result.Error is not null) throw new RemoteTrialException(result.Error);
        var evaluation = Read<EvaluationOutcome>(result.EvaluationJson, result.Worker, "evaluation");
        if (EvaluationCheck.Problem(evaluation, work.Request, graph) is { } wrong) throw Refused(result.Worker, $"an evaluation {wrong}");
        var design = result.DesignJson is null ? null : Read<HardwareDesign>(result.DesignJson, result.Worker, "design");
        if (design is not null && DesignCheck.Problem(design, board, mustFit: true) is { } bad) throw Refused(result.Worker, $"a design {bad}");
        work.Evaluation = evaluation;
        if (design is null) return;
        work.Design = design;
        work.StageSeconds["design"] = result.DesignSeconds;
    }

    private static T Read<T>(string? json, string? worker, string what) where T : class
    {
        if (json is null) throw Refused(worker, $"no {what}");
        try
        {
            return HassJson.Deserialize<T>(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw Refused(worker, $"{what} JSON the owner cannot read ({e.Message})");
        }
    }

    private static RemoteTrialException Refused(string? worker, string sent) =>
        new($"worker '{worker ?? "?"}' sent {sent}; the owner refused it: check that worker's engine and plugins (hass plugins) against the owner's");
}
