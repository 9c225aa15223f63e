using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Running.Pipeline;

/// <summary>One trial on its way through the pipeline: each stage reads what earlier stages left and adds its part.</summary>
public sealed class TrialWork(TrialRecord running, EvaluationRequest request, IReadOnlyList<TrialRecord> previous)
{
    /// <summary>The stored record so far (Running until the score stage or an early stop finishes it).</summary>
    public TrialRecord Record { get; set; } = running;
    public EvaluationRequest Request { get; } = request;
    /// <summary>The campaign's finished trials when this one started (the measure policy ranks against them).</summary>
    public IReadOnlyList<TrialRecord> Previous { get; } = previous;
    public EvaluationOutcome? Evaluation { get; set; }
    public bool EvaluationCacheHit { get; set; }
    public SparsityProfile? Profile { get; set; }
    public HardwareDesign? Design { get; set; }
    public bool DesignCacheHit { get; set; }
    /// <summary>Throughput the objective uses: predicted, then calibrated, then measured.</summary>
    public double Throughput { get; set; }
    public Fidelity ThroughputFidelity { get; set; } = Fidelity.Analytical;
    public double? MeasuredThroughput { get; set; }
    /// <summary>True once a stage finished the trial early (an early-stopped evaluation): later stages are skipped.</summary>
    public bool Finished { get; set; }
    /// <summary>Seconds spent writing to the store for this trial (in-flight record, cache entries).</summary>
    public double StoreSeconds { get; set; }
    /// <summary>The stage running now (the last that started), "" before the first.</summary>
    public string Stage { get; set; } = "";
    /// <summary>Wall-clock seconds of each stage that ran, by stage name.</summary>
    public Dictionary<string, double> StageSeconds { get; } = [];

    /// <summary>The kind of the design's bottleneck layer (calibration factors are kept per kind).</summary>
    public LayerKind? BottleneckKind { get; set; }
    public Measurement? Measurement { get; set; }
    /// <summary>The connected board, once the measure stage identified it (part of the stored measurement's key).</summary>
    public MeasuredBoardIdentity? Board { get; set; }

}

/// <summary>One small step of a trial: evaluate, profile, design, calibrate, measure or score.</summary>
public interface ITrialStage
{
    /// <summary>Stage name; its time is recorded under it (<see cref="TrialTimings"/>).</summary>
    string Name { get; }
    Task RunAsync(TrialWork work, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the stages of one trial. The in-process <see cref="TrialPipeline"/> runs them all here, on its own
/// evaluator; a remote implementation would send the evaluate, profile and design stages of a trial to a worker.
/// </summary>
public interface ITrialExecutor : IDisposable
{
    Task RunAsync(TrialWork work, CancellationToken cancellationToken);
}

/// <summary>
/// Runs the network stages of trials (evaluate, profile, design) somewhere else: on the workers of a distributed
/// campaign (Hass.Distributed). Without one, a campaign runs every stage in its own process.
/// </summary>
public interface IRemoteTrialStages
{
    /// <summary>
    /// A search of <paramref name="spec"/> starts; workers must match the owner's <paramref name="evaluator"/>.
    /// Returns the stage that replaces the local evaluate stage (it fills the trial's evaluation and design).
    /// </summary>
    ITrialStage Open(Campaigns.CampaignSpec spec, ITrialEvaluator evaluator);
}
