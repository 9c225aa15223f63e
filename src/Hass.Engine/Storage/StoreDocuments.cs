using System.Text.Json.Serialization;
using Hass.Abstractions;
using Hass.Engine.Campaigns;

namespace Hass.Engine.Storage;

[JsonConverter(typeof(JsonStringEnumConverter<CampaignStatus>))]
public enum CampaignStatus { Created, Running, Complete, Interrupted, Failed }

/// <summary>A warm-start point queued at campaign creation (replayed identically on resume).</summary>
public sealed record WarmStartPoint(ParameterSet Parameters, string Origin);

/// <summary>The stored state of one campaign.</summary>
public sealed record CampaignDocument
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Name { get; init; }
    public required CampaignSpec Spec { get; init; }
    public string Source { get; init; } = "";
    public required string IdentityJson { get; init; }
    public required string WarmStartKey { get; init; }
    public CampaignStatus Status { get; init; } = CampaignStatus.Created;
    public string? Message { get; init; }
    public DateTimeOffset CreatedAt { get; init; } = DateTimeOffset.UtcNow;
    public DateTimeOffset UpdatedAt { get; init; } = DateTimeOffset.UtcNow;
    public double? BaselineTop1 { get; init; }
    public int BaselineImages { get; init; }
    /// <summary>The unpruned network's smoothed top-1 on the search split (<see cref="EvaluationOutcome.SoftTop1"/>); null when the evaluator gives none.</summary>
    public double? BaselineSoftTop1 { get; init; }
    public string? EvaluatorFingerprint { get; init; }
    /// <summary>The backend version and board figures the campaign's designs were made with; null in stores written before it was kept.</summary>
    public Running.DesignerIdentity? Designer { get; init; }
    /// <summary>The final table (dense, uniform, best), once the campaign finished its final phase.</summary>
    public Running.FinalSummary? Final { get; init; }
    public string? GraphName { get; init; }
    public IReadOnlyList<WarmStartPoint> WarmStarts { get; init; } = [];
    /// <summary>How many times the campaign was resumed.</summary>
    public int Resumes { get; init; }
    public double ElapsedSeconds { get; init; }
    /// <summary>
    /// The first trial number of each run of the campaign (ascending). The study needs the run boundaries to give
    /// stored trials their strategy numbers on resume; stores written before it have none (every run one group).
    /// </summary>
    public IReadOnlyList<int> SessionStarts { get; init; } = [];
}

/// <summary>measured/predicted throughput ratios of one backend on one board.</summary>
public sealed record CalibrationDocument
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Backend { get; init; }
    public required string Board { get; init; }
    public IReadOnlyList<CalibrationSample> Samples { get; init; } = [];

    /// <summary>Geometric mean of measured/predicted; 1 when there are no samples.</summary>
    public double Factor => Samples.Count == 0 ? 1.0 : Math.Exp(Samples.Average(s => Math.Log(s.Ratio)));

    /// <summary>Geometric mean of the samples whose bottleneck layer is of <paramref name="kind"/>, when there are at least 2.</summary>
    public double FactorFor(LayerKind? kind)
    {
        if (kind is null) return Factor;
        var mine = Samples.Where(s => s.BottleneckKind == kind).ToList();
        return mine.Count >= 2 ? Math.Exp(mine.Average(s => Math.Log(s.Ratio))) : Factor;
    }
}

public sealed record CalibrationSample(string DesignHash, double Predicted, double Measured, LayerKind? BottleneckKind)
{
    public double Ratio => Measured / Predicted;
}

/// <summary>What <see cref="HassStore.Changed"/> reports: the campaign or the trial that was just saved.</summary>
public sealed record StoreChange(string Campaign, CampaignDocument? CampaignDocument, TrialRecord? Trial);
