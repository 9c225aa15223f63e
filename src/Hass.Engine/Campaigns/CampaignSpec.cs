using System.Text.Json;
using System.Text.Json.Serialization;
using Hass.Abstractions;

namespace Hass.Engine.Campaigns;

[JsonConverter(typeof(JsonStringEnumConverter<ObjectiveMetric>))]
public enum ObjectiveMetric { Throughput, GopsPerDsp, Latency, Multi }

public sealed record DatasetSpec
{
    public string Name { get; init; } = "fashion-mnist";
    public string? Path { get; init; }
    public int SearchImages { get; init; } = 2000;
    public int CalibrationImages { get; init; } = 1000;
    public int? TestImages { get; init; }
}

/// <summary>A component chosen by name with its own settings (passed to the plugin untouched).</summary>
public sealed record ComponentChoice
{
    public required string Name { get; init; }
    private readonly JsonElement _settings = EmptySettings;
    /// <summary>Always a JSON value (an empty object when none was given).</summary>
    public JsonElement Settings
    {
        get => _settings;
        init => _settings = value.ValueKind == JsonValueKind.Undefined ? EmptySettings : value;
    }

    public static JsonElement EmptySettings { get; } = JsonDocument.Parse("{}").RootElement.Clone();
}

public sealed record BackendChoice
{
    public required string Name { get; init; }
    public DesignOptions Options { get; init; } = new();
}

public sealed record ObjectiveSpec
{
    public ObjectiveMetric Metric { get; init; } = ObjectiveMetric.Throughput;
    /// <summary>Allowed top-1 drop in points versus the unpruned model.</summary>
    public double ToleranceTop1 { get; init; } = 1.0;
    /// <summary>Direction of the (first) metric; the metric's natural one when omitted.</summary>
    public ObjectiveDirection? Direction { get; init; }
}

public sealed record BudgetSpec
{
    public int? Trials { get; init; }
    public TimeSpan? WallTime { get; init; }
}

public sealed record EarlyStopSpec
{
    public bool Enabled { get; init; } = true;
    /// <summary>Evaluation stops once the drop exceeds DropFactor × tolerance.</summary>
    public double DropFactor { get; init; } = 3.0;
}

public sealed record MeasureDesigns
{
    /// <summary>Measure a feasible trial whose design enters the best K so far (0 = off).</summary>
    public int TopK { get; init; }
    /// <summary>Measure every N-th feasible trial (0 = off).</summary>
    public int EveryN { get; init; }
}

public sealed record MeasureSpec
{
    public required string Link { get; init; }
    public MeasureDesigns Designs { get; init; } = new() { TopK = 3 };
    public int Repeats { get; init; } = MeasureOptions.DefaultRepeats;
    public int Images { get; init; } = MeasureOptions.DefaultImages;
    public int WarmupImages { get; init; } = MeasureOptions.DefaultWarmupImages;
}

/// <summary>A campaign file (docs/formats.md "## campaign"), after parsing and overrides.</summary>
public sealed record CampaignSpec
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Name { get; init; }
    public required string Model { get; init; }
    public string? Checkpoint { get; init; }
    /// <summary>Evaluator factory; null = the first one that supports the model.</summary>
    public string? Evaluator { get; init; }
    public DatasetSpec Dataset { get; init; } = new();
    public required ComponentChoice Pruning { get; init; }
    public required BackendChoice Backend { get; init; }
    public required string Board { get; init; }
    public required ComponentChoice Strategy { get; init; }
    public ObjectiveSpec Objective { get; init; } = new();
    public BudgetSpec Budget { get; init; } = new();
    public int Seed { get; init; }
    public bool WarmStart { get; init; } = true;
    public EarlyStopSpec EarlyStop { get; init; } = new();
    public int MaxConsecutiveFailures { get; init; } = 5;
    /// <summary>Trials in flight at once, each on its own evaluator instance (not part of the identity: a resume may change it).</summary>
    public int Parallelism { get; init; } = 1;
    public MeasureSpec? Measure { get; init; }
    public Running.FinalSpec Final { get; init; } = new();

    /// <summary>The fields that make two runs the same search; a resume must agree on all of them.</summary>
    public string IdentityJson() => HassJson.Serialize(new
    {
        Model, Checkpoint, Evaluator, Dataset, Pruning = new { Pruning.Name, Settings = Raw(Pruning.Settings) },
        Backend, Board, Strategy = new { Strategy.Name, Settings = Raw(Strategy.Settings) }, Objective, Seed, EarlyStop,
    });

    /// <summary>Campaigns whose stored results may warm-start each other.</summary>
    public string WarmStartKey() => Hashing.Sha256Hex(HassJson.Serialize(new { Model, Checkpoint, Dataset.Name, Pruning = Pruning.Name, Backend = Backend.Name, Board }));

    private static string Raw(JsonElement e) => e.ValueKind == JsonValueKind.Undefined ? "{}" : e.GetRawText();

    public EvaluatorSpec ToEvaluatorSpec() => new()
    {
        Model = Model, Checkpoint = Checkpoint, Dataset = Dataset.Name, DatasetPath = Dataset.Path,
        SearchImages = Dataset.SearchImages, CalibrationImages = Dataset.CalibrationImages, TestImages = Dataset.TestImages,
        Pruning = Pruning.Name, PruningSettings = Pruning.Settings, Seed = Seed,
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

    public CampaignSpec ApplyTo(CampaignSpec spec) => spec with
    {
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
