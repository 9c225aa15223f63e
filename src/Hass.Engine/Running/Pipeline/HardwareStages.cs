using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Running.Pipeline;

/// <summary>Predicted throughput of the design, times the measured/predicted factor of the (backend, board) when there are samples.</summary>
public sealed class CalibrateStage(HassStore store, NetworkGraph graph, BoardSpec board, string backend) : ITrialStage
{
    public string Name => "calibrate";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var design = work.Design ?? throw new InvalidOperationException("the calibrate stage runs after the design stage");
        work.Throughput = design.Performance.ThroughputImagesPerSecond;
        work.ThroughputFidelity = Fidelity.Analytical;
        work.BottleneckKind = BottleneckKind(graph, design);
        var calibration = store.GetCalibration(backend, board.Name);
        if (calibration.Samples.Count > 0)
        {
            work.Throughput *= calibration.FactorFor(work.BottleneckKind);
            work.ThroughputFidelity = Fidelity.Calibrated;
        }
        return Task.CompletedTask;
    }

    public static LayerKind? BottleneckKind(NetworkGraph graph, HardwareDesign design) =>
        graph.Layers.FirstOrDefault(l => l.Name == design.Performance.BottleneckLayer)?.Kind;
}

/// <summary>Objective values from the trial's metrics; the trial is Complete.</summary>
public sealed class ScoreStage(Objective objective) : ITrialStage
{
    public string Name => "score";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var design = work.Design ?? throw new InvalidOperationException("the score stage runs after the design stage");
        var eval = work.Evaluation!;
        var drop = AccuracyDrop.Between(work.Request.BaselineTop1, eval.Top1);
        var (gopsPerDsp, latency) = TrialMetrics.Scaled(design, work.Throughput);
        var metrics = new TrialMetrics(eval.Top1, drop, work.Throughput, gopsPerDsp, latency, eval.EffectiveSparsity, eval.WeightSparsity, eval.ActivationSparsity);
        work.Record = work.Record with
        {
            State = TrialState.Complete, Design = design, DesignCacheHit = work.DesignCacheHit, ObjectiveValues = objective.Values(metrics),
            PredictedThroughput = design.Performance.ThroughputImagesPerSecond, MeasuredThroughput = work.MeasuredThroughput,
            ThroughputFidelity = work.ThroughputFidelity, FinishedAt = DateTimeOffset.UtcNow,
        };
        return Task.CompletedTask;
    }
}

/// <summary>
/// Re-scores a new incumbent on the confirmation split (<see cref="IncumbentConfirmation"/>); other trials pass through.
/// <paramref name="gate"/> serialises evaluators shared between pipelines (a distributed campaign's owner has one).
/// </summary>
public sealed class ConfirmStage(ITrialEvaluator evaluator, HassStore store, IncumbentConfirmation confirmation, object gate) : ITrialStage
{
    public string Name => "confirm";

    public Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (work.Record.State == TrialState.Complete && confirmation.SearchDropOffset(work.Previous) is { } offset)
            work.Record = work.Record with { SearchDropOffset = offset };
        if (!confirmation.Wants(work.Record, work.Previous)) return Task.CompletedTask;
        EvaluationOutcome outcome;
        lock (gate) outcome = CachedEvaluateStage.Evaluate(store, evaluator, work.Record.Parameters, confirmation.Request, cancellationToken);
        work.Record = confirmation.Stamp(work.Record, outcome);
        return Task.CompletedTask;
    }
}
