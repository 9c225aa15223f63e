using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;

namespace Hass.Engine.Campaigns;

// The sections of a campaign file. Their members, in this order, are part of CampaignSpec.IdentityJson:
// renaming, reordering or adding one changes the identity of every stored campaign.

public sealed record DatasetSpec
{
    public string Name { get; init; } = "fashion-mnist";
    public string? Path { get; init; }
    [Range(1, 10_000_000)] public int SearchImages { get; init; } = 2000;
    [Range(1, 10_000_000)] public int CalibrationImages { get; init; } = 1000;
    [Range(1, 10_000_000)] public int? TestImages { get; init; }
    /// <summary>
    /// Images of the confirmation split that confirm the final picks (null: all it holds). Only the final phase uses
    /// it, so it is left out of the identity (CampaignSpec.IdentityJson) and of the evaluator's fingerprint.
    /// </summary>
    [Range(1, 10_000_000)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? ConfirmImages { get; init; }
    /// <summary>
    /// Search on the test set (the oracle ceiling, docs/search.md): every trial's drop, and the picks, are measured on the
    /// images the final table reports, so its figures bound what a search can reach and are not held-out results. Left out
    /// of the identity when false, so older campaigns keep theirs.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool SearchOnTestSet { get; init; }
    /// <summary>The network's input preprocessing when not the model's default; left out of the identity when unset, so older campaigns keep theirs.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public PreprocessSpec? Preprocess { get; init; }
}

/// <summary>A component chosen by name with its own settings (passed to the plugin untouched).</summary>
public sealed record ComponentChoice
{
    [Required] public required string Name { get; init; }
    private readonly JsonElement _settings = EmptySettings;
    /// <summary>Always a JSON value (an empty object when none or null was given).</summary>
    [JsonObjectValue]
    public JsonElement Settings
    {
        get => _settings;
        init => _settings = value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? EmptySettings : value;
    }

    public static JsonElement EmptySettings { get; } = JsonDocument.Parse("{}").RootElement.Clone();
}

public sealed record BackendChoice
{
    [Required] public required string Name { get; init; }
    public DesignOptions Options { get; init; } = new();
}

public sealed record ObjectiveSpec : IValidatableObject
{
    [JsonConverter(typeof(MetricConverter))] public ObjectiveMetric Metric { get; init; } = ObjectiveMetric.Throughput;
    /// <summary>Allowed top-1 drop in points versus the unpruned model.</summary>
    [Range(0.0, 100.0)] public double ToleranceTop1 { get; init; } = 1.0;
    /// <summary>Direction of the (first) metric; the metric's natural one when omitted.</summary>
    [JsonConverter(typeof(DirectionConverter))] public ObjectiveDirection? Direction { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var natural = CampaignSpec.NaturalDirection(Metric).ToString().ToLowerInvariant();
        if (Direction is { } d && d != CampaignSpec.NaturalDirection(Metric))
            yield return new($"metric '{CampaignLoader.MetricName(Metric)}' can only be {natural}d; remove direction or set it to {natural}", [nameof(Direction)]);
    }
}

public sealed record BudgetSpec : IValidatableObject
{
    [Range(CampaignLimits.MinTrials, CampaignLimits.MaxTrials)] public int? Trials { get; init; }
    /// <summary>Seconds (a number) or "hh:mm:ss", "90s", "15m", "2h".</summary>
    [JsonConverter(typeof(DurationConverter)), DurationRange(CampaignLimits.MaxWallTimeDays)] public TimeSpan? WallTime { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Trials is null && WallTime is null)
            yield return new("give budget.trials and/or budget.wallTime (or --trials / --wall-time)");
    }
}

public sealed record EarlyStopSpec
{
    public bool Enabled { get; init; } = true;
    /// <summary>Evaluation stops once the drop exceeds DropFactor × tolerance.</summary>
    [Range(1.0, 1000.0)] public double DropFactor { get; init; } = 3.0;
}

public sealed record MeasureDesigns : IValidatableObject
{
    /// <summary>Measure a feasible trial whose design enters the best K so far (0 = off).</summary>
    [Range(0, 1000)] public int TopK { get; init; }
    /// <summary>Measure every N-th feasible trial (0 = off).</summary>
    [Range(0, 1_000_000)] public int EveryN { get; init; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (TopK == 0 && EveryN == 0) yield return new("set topK and/or everyN above 0 (or remove the measure section)");
    }
}

public sealed record MeasureSpec
{
    [Required] public required string Link { get; init; }
    public MeasureDesigns Designs { get; init; } = new() { TopK = 3 };
    [Range(1, 1000)] public int Repeats { get; init; } = MeasureOptions.DefaultRepeats;
    /// <summary>Timed images per run; absent: the design's batch size, so a run (from an empty pipeline, no warm-up) is the predicted batch.</summary>
    [Range(1, 1_000_000)] public int? Images { get; init; }
    [Range(0, 1_000_000)] public int WarmupImages { get; init; } = MeasureOptions.DefaultWarmupImages;
    /// <summary>Runs that start at different images (<see cref="MeasureOptions.Rotations"/>); at most the images a run uploads.</summary>
    [Range(1, 100_000)] public int Rotations { get; init; } = 1;
}

