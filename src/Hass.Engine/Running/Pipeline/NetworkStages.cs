using Hass.Abstractions;

namespace Hass.Engine.Running.Pipeline;

/// <summary>Evaluates the trial's point on the search split (accuracy, and the sparsity profile in the same pass).</summary>
public sealed class EvaluateStage(ITrialEvaluator evaluator) : ITrialStage
{
    public string Name => "evaluate";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        work.Evaluation = evaluator.Evaluate(work.Record.Parameters, work.Request, cancellationToken);
        return Task.CompletedTask;
    }
}

/// <summary>
/// Turns the evaluation into the trial's accuracy, constraint and sparsity profile; an evaluation that stopped
/// early finishes the trial as Pruned (no design is built).
/// </summary>
public sealed class ProfileStage(Objective objective, string model) : ITrialStage
{
    public string Name => "profile";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var eval = work.Evaluation ?? throw new InvalidOperationException("the profile stage runs after the evaluate stage");
        var drop = AccuracyDrop.Between(work.Request.BaselineTop1, eval.Top1);
        var violation = objective.Violation(drop);
        work.Record = work.Record with
        {
            Accuracy = eval.Top1, AccuracyImages = eval.Images, WeightSparsity = eval.WeightSparsity, ActivationSparsity = eval.ActivationSparsity,
            EffectiveSparsity = eval.EffectiveSparsity, ConstraintViolation = violation, Feasible = violation <= 0,
            LayerSparsity = eval.Profile?.Layers.ToDictionary(l => l.Layer, l => l.EffectiveSparsity) ?? new Dictionary<string, double>(),
            EvaluationCacheHit = work.EvaluationCacheHit, SmoothedDrop = SmoothedDrop(work.Request, eval),
        };
        if (eval.StoppedEarly)
        {
            work.Record = work.Record with
            {
                State = TrialState.Pruned, Feasible = false, FinishedAt = DateTimeOffset.UtcNow,
                Error = $"stopped early: accuracy drop {drop:F2} points exceeded {work.Request.EarlyStopDrop:F2} after {eval.Images} images",
            };
            work.Finished = true;
            return Task.CompletedTask;
        }
        work.Profile = eval.Profile ?? SparsityProfile.Dense(model);
        return Task.CompletedTask;
    }

    private static double? SmoothedDrop(EvaluationRequest request, EvaluationOutcome eval) =>
        eval.SoftTop1 is { } soft && double.IsFinite(request.BaselineSoftTop1) ? request.BaselineSoftTop1 - soft : null;
}

/// <summary>Builds the hardware design of the trial's sparsity profile (the backend's design-space exploration).</summary>
public sealed class DesignStage(NetworkGraph graph, BoardSpec board, IAcceleratorBackend backend, DesignOptions options) : ITrialStage
{
    public const string StageName = "design";
    public string Name => StageName;
    public NetworkGraph Graph => graph;
    public BoardSpec Board => board;
    public IAcceleratorBackend Backend => backend;
    public DesignOptions Options => options;

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var profile = work.Profile ?? throw new InvalidOperationException("the design stage runs after the profile stage");
        work.Design = backend.Optimize(graph, profile, board, options, cancellationToken);
        return Task.CompletedTask;
    }
}

/// <summary>
/// final.predictSearchDrop: the trial's search-split drop becomes the one its smoothed drop predicts (<see cref="PredictedSearchDrop"/>),
/// the count is kept as <see cref="TrialRecord.CountedDrop"/>. Trials without a smoothed drop, or before the line has enough trials, keep the count.
/// </summary>
public sealed class PredictDropStage(Objective objective) : ITrialStage
{
    public string Name => "predict-drop";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (work.Record.SmoothedDrop is not null && PredictedSearchDrop.Line(work.Previous, objective) is { } line)
            work.Record = PredictedSearchDrop.Apply(work.Record, line, objective);
        return Task.CompletedTask;
    }
}

/// <summary>
/// final.secondLookImages: a trial whose search-split drop, calibrated by <paramref name="confirmation"/> when it calibrates, lies near the
/// tolerance is scored again on the second look's images and judged by the pooled drop (<see cref="SecondLook"/>); other trials pass
/// through. <paramref name="gate"/> serialises shared evaluators.
/// </summary>
public sealed class SecondLookStage(ITrialEvaluator evaluator, Storage.HassStore store, SecondLook look, IncumbentConfirmation? confirmation, object gate) : ITrialStage
{
    public string Name => "second-look";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (work.Finished || !look.Wants(work.Record, confirmation?.SearchDropOffset(work.Previous) ?? 0)) return Task.CompletedTask;
        EvaluationOutcome outcome;
        lock (gate) outcome = CachedEvaluateStage.Evaluate(store, evaluator, work.Record.Parameters, look.Request, cancellationToken);
        work.Record = look.Apply(work.Record, outcome);
        return Task.CompletedTask;
    }
}
