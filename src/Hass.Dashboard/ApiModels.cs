using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Dashboard;

/// <summary>One row of the trials table (API v1): everything but the design, which has its own endpoint.</summary>
public sealed record TrialRow(
    int Number, string State, string Origin, IReadOnlyDictionary<string, double> Parameters,
    double? Accuracy, double? TestAccuracy, double? Throughput, double? PredictedThroughput, double? MeasuredThroughput,
    string Fidelity, string AccuracyFidelity, double? GopsPerDsp, double? Latency, double? Dsp,
    double WeightSparsity, double ActivationSparsity, double EffectiveSparsity, bool Feasible, double ConstraintViolation,
    IReadOnlyList<double> ObjectiveValues, bool EvaluationCacheHit, bool DesignCacheHit, TrialTimings Timings,
    DateTimeOffset StartedAt, DateTimeOffset FinishedAt, string? Error, bool HasDesign)
{
    public static TrialRow From(TrialRecord t) => new(
        t.Number, t.State.ToString(), t.Origin, t.Parameters.Values,
        t.Accuracy, t.TestAccuracy, t.Design is null ? null : Objective.Throughput(t), t.PredictedThroughput, t.MeasuredThroughput,
        t.ThroughputFidelity.ToString(), t.AccuracyFidelity.ToString(), t.Design?.Performance.GopPerSecondPerDsp, t.Design?.Performance.LatencySeconds,
        t.Design?.Resources.Dsp, t.WeightSparsity, t.ActivationSparsity, t.EffectiveSparsity, t.Feasible, t.ConstraintViolation,
        t.ObjectiveValues, t.EvaluationCacheHit, t.DesignCacheHit, t.Timings, t.StartedAt, t.FinishedAt, t.Error, t.Design is not null);
}

/// <summary>A campaign's identity and state as stored (no trial is read to make it).</summary>
public sealed record CampaignState(
    string Name, string Status, string? Message, string Model, string Backend, string Board, string Strategy,
    string Objective, bool Maximize, double Tolerance, double? BaselineTop1, int? BudgetTrials, double? BudgetWallTimeSeconds,
    double ElapsedSeconds, int Resumes, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static CampaignState From(CampaignDocument c) => new(
        c.Name, c.Status.ToString(), c.Message, c.Spec.Model, c.Spec.Backend.Name, c.Spec.Board, c.Spec.Strategy.Name,
        CampaignLoader.MetricName(c.Spec.Objective.Metric), c.Spec.Objective.Metric != ObjectiveMetric.Latency,
        c.Spec.Objective.ToleranceTop1, c.BaselineTop1, c.Spec.Budget.Trials, c.Spec.Budget.WallTime?.TotalSeconds,
        c.ElapsedSeconds, c.Resumes, c.CreatedAt, c.UpdatedAt);
}

/// <summary>A campaign with the figures counted from its trials (GET /api/v1/campaigns and /campaigns/{name}).</summary>
public sealed record CampaignSummary(
    CampaignState Campaign, int Trials, IReadOnlyDictionary<string, int> States, int Feasible,
    int EvaluationCacheHits, int DesignCacheHits, double? TrialsPerMinute, double? EtaSeconds,
    int? BestTrial, double? BestThroughput, double? BestAccuracy, IReadOnlyList<int> Pareto);

public sealed record MeasuredDesign(string DesignHash, string BoardId, string Fidelity, double Predicted, double Measured, IReadOnlyList<int> Trials);

public sealed record CalibrationView(string Backend, string Board, double Factor, IReadOnlyList<CalibrationSample> Samples);

/// <summary>GET /api/v1/campaigns/{name}: the summary, the final table, the measurements and the calibration.</summary>
public sealed record CampaignDetail(CampaignSummary Summary, FinalSummary? Final, IReadOnlyList<MeasuredDesign> Measurements, CalibrationView Calibration);

/// <summary>One layer of a trial's design with the layer's sparsity and its share of the board.</summary>
public sealed record LayerView(
    string Layer, string Kind, int Partition, LayerFolding Folding, string FoldingText, double Cycles, bool Sparse,
    double? Sparsity, ResourceUsage Resources, bool Bottleneck);

public sealed record ResourceBar(string Resource, double Used, double? Available, double? Fraction);

/// <summary>GET /api/v1/campaigns/{name}/trials/{n}/design.</summary>
public sealed record DesignView(
    string Campaign, int Trial, string Backend, string BackendVersion, string Board, BoardSpec? BoardSpec, string Graph, Performance Performance,
    IReadOnlyList<LayerView> Layers, IReadOnlyList<PartitionDesign> Partitions, IReadOnlyList<ResourceBar> Resources,
    IReadOnlyList<string> Notes, string DesignHash, Measurement? Measurement);
