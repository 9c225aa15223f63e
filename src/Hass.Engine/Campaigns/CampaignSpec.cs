using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;

namespace Hass.Engine.Campaigns;

[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveMetric>))]
public enum ObjectiveMetric { Throughput, GopsPerDsp, Latency, Multi }

/// <summary>
/// A campaign file (docs/formats.md "## campaign"), read by <see cref="CampaignLoader"/> through
/// <see cref="ConfigJson"/>: the defaults and ranges written here are the file format's. <see cref="Name"/> and
/// <see cref="Board"/> are required by validation rather than by the compiler: the file name and --board can
/// supply them.
/// </summary>
public sealed record CampaignSpec : IValidatableObject
{
    public const int SchemaVersion = 1;
    [Range(1, SchemaVersion)] public int Schema { get; init; } = SchemaVersion;
    [Required] public string Name { get; init; } = "";
    [Required] public required string Model { get; init; }
    public string? Checkpoint { get; init; }
    /// <summary>Evaluator factory; null = the first one that supports the model.</summary>
    public string? Evaluator { get; init; }
    [JsonConverter(typeof(DatasetShorthand))] public DatasetSpec Dataset { get; init; } = new();
    [JsonConverter(typeof(ComponentShorthand))] public required ComponentChoice Pruning { get; init; }
    [JsonConverter(typeof(BackendShorthand))] public required BackendChoice Backend { get; init; }
    [Required] public string Board { get; init; } = "";
    [JsonConverter(typeof(ComponentShorthand))] public required ComponentChoice Strategy { get; init; }
    public ObjectiveSpec Objective { get; init; } = new();
    public BudgetSpec Budget { get; init; } = new();
    [Range(CampaignLimits.MinSeed, CampaignLimits.MaxSeed)] public int Seed { get; init; }
    public bool WarmStart { get; init; } = true;
    [JsonConverter(typeof(EarlyStopShorthand))] public EarlyStopSpec EarlyStop { get; init; } = new();
    [Range(1, 1000)] public int MaxConsecutiveFailures { get; init; } = 5;
    /// <summary>Trials in flight at once (each on its own evaluator); not part of the identity, so a resume may change it.</summary>
    [Range(1, 64)] public int Parallelism { get; init; } = 1;
    public MeasureSpec? Measure { get; init; }
    /// <summary>Activation and weight widths (8 or 16) for the evaluation and the cost model; null = 16/16.</summary>
    public QuantisationSpec? Quantisation { get; init; }

    /// <summary>The backend's options with the quantisation section's widths (what every design of the campaign is costed with).</summary>
    [JsonIgnore]
    public DesignOptions DesignOptions => Quantisation is { IsDefault: false } q
        ? Backend.Options with { DataBits = q.ActivationBits, WeightBits = q.WeightBits } : Backend.Options;

    /// <summary>What every trial's design is built with, here or on a worker: <see cref="DesignOptions"/> and the campaign's seed.</summary>
    [JsonIgnore]
    public DesignOptions TrialDesignOptions => DesignOptions with { Seed = Seed };
    public Running.FinalSpec Final { get; init; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Name.Length > 0 && !CampaignLoader.IsValidName(Name))
            yield return new($"'{ConfigText.Printable(Name)}' must be 1-64 characters of ASCII letters, digits, '-', '_' or '.', not starting with '.' (it names the report folder)", [nameof(Name)]);
        if (Backend.Options.DataBits is not null || Backend.Options.WeightBits is not null)
            yield return new("set bit widths in the quantisation section ({ \"activationBits\": 8, \"weightBits\": 8 }), not in backend.options", [nameof(Backend)]);
        if (Backend.Options.Seed != 0)
            yield return new("backend.options.seed: the DSE's annealing takes the campaign's seed; set the top-level \"seed\" instead", [nameof(Backend)]);
        if (Measure is { } m && m.Rotations > (long)(m.Images ?? DesignOptions.BatchSize) + m.WarmupImages)
            yield return new($"measure.rotations ({m.Rotations}) is more than the {(long)(m.Images ?? DesignOptions.BatchSize) + m.WarmupImages} images a run uploads (images, or the batch size, + warmupImages): each rotation starts at a different image; use at most that many", [nameof(Measure)]);
    }

    /// <summary>The fields that make two runs the same search; a resume must agree on all of them.</summary>
    public string IdentityJson() => HassJson.Serialize(new
    {
        Model, Checkpoint, Evaluator, Dataset = Dataset with { ConfirmImages = null }, Pruning = new { Pruning.Name, Settings = Raw(Pruning.Settings) },
        Backend, Board, Strategy = new { Strategy.Name, Settings = Raw(Strategy.Settings) }, Objective, Seed, EarlyStop,
    }) + (Quantisation is { IsDefault: false } q ? " quantisation " + q : "");   // left out at 16/16, so older campaigns keep their identity

    /// <summary>Campaigns whose stored results may warm-start each other.</summary>
    public string WarmStartKey() => Hashing.Sha256Hex(HassJson.Serialize(new { Model, Checkpoint, Name = Dataset.Preprocess is null && Quantisation is null or { IsDefault: true } ? Dataset.Name : $"{Dataset.Name} ({Dataset.Preprocess}, {Quantisation})", Pruning = Pruning.Name, Backend = Backend.Name, Board }));

    private static string Raw(JsonElement e) => e.ValueKind == JsonValueKind.Undefined ? "{}" : e.GetRawText();

    public EvaluatorSpec ToEvaluatorSpec() => new()
    {
        Model = Model, Checkpoint = Checkpoint, Dataset = Dataset.Name, DatasetPath = Dataset.Path,
        SearchImages = Dataset.SearchImages, CalibrationImages = Dataset.CalibrationImages, TestImages = Dataset.TestImages, ConfirmImages = Dataset.ConfirmImages, SearchOnTestSet = Dataset.SearchOnTestSet,
        Pruning = Pruning.Name, PruningSettings = Pruning.Settings, Seed = Seed, Preprocess = Dataset.Preprocess,
        Quantisation = Quantisation is { IsDefault: false } q ? q : null,
    };

    public ObjectiveDirection PrimaryDirection => Objective.Direction ?? NaturalDirection(Objective.Metric);

    public static ObjectiveDirection NaturalDirection(ObjectiveMetric metric) =>
        metric == ObjectiveMetric.Latency ? ObjectiveDirection.Minimize : ObjectiveDirection.Maximize;
}

/// <summary>Command-line overrides of the common campaign fields (applied before validation).</summary>
public sealed record CampaignOverrides
{
    public string? Name { get; init; }
    public int? Trials { get; init; }
    public TimeSpan? WallTime { get; init; }
    public string? Board { get; init; }
    public string? Strategy { get; init; }
    public string? Backend { get; init; }
    public int? Seed { get; init; }
    public bool? WarmStart { get; init; }
    public int? Parallelism { get; init; }
    public PreprocessSpec? Preprocess { get; init; }

    public CampaignSpec ApplyTo(CampaignSpec spec) => spec with
    {
        Dataset = Preprocess is null ? spec.Dataset : spec.Dataset with { Preprocess = Preprocess },
        Name = Name ?? spec.Name,
        Board = Board ?? spec.Board,
        Strategy = Strategy is null ? spec.Strategy : new ComponentChoice { Name = Strategy, Settings = Strategy == spec.Strategy.Name ? spec.Strategy.Settings : ComponentChoice.EmptySettings },
        Backend = Backend is null ? spec.Backend : spec.Backend with { Name = Backend },
        Seed = Seed ?? spec.Seed,
        WarmStart = WarmStart ?? spec.WarmStart,
        Parallelism = Parallelism ?? spec.Parallelism,
        Budget = new BudgetSpec { Trials = Trials ?? spec.Budget.Trials, WallTime = WallTime ?? spec.Budget.WallTime },
    };
}

/// <summary>An invalid campaign: every problem, each naming the JSON field path.</summary>
public sealed class CampaignException(string source, IReadOnlyList<string> problems)
    : Exception($"campaign {source} is not valid:\n  - " + string.Join("\n  - ", problems))
{
    public string CampaignSource { get; } = source;
    public IReadOnlyList<string> Problems { get; } = problems;
}
