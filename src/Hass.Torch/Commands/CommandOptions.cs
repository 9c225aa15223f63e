namespace Hass.Torch.Commands;

/// <summary>`hass model train &lt;name&gt;`</summary>
public sealed record TrainCommandOptions
{
    public required string Model { get; init; }
    public int Seed { get; init; }
    /// <summary>Overrides the model's recipe (changes the cache key).</summary>
    public int? Epochs { get; init; }
    /// <summary>Dataset folder (default: the model's dataset at its default place).</summary>
    public string? Data { get; init; }
    /// <summary>Checkpoint cache folder (default ~/.cache/hass/checkpoints or $HASS_CACHE/checkpoints).</summary>
    public string? Cache { get; init; }
    /// <summary>Also copy the checkpoint (and its .json) here.</summary>
    public string? Out { get; init; }
    /// <summary>Also write the weights as a PyTorch state_dict here.</summary>
    public string? PyTorchOut { get; init; }
    /// <summary>Train again even when the cache has this checkpoint.</summary>
    public bool Force { get; init; }
    public int? Threads { get; init; }
}

/// <summary>`hass model eval &lt;name&gt;`: test-set top-1, float and 16-bit fixed point.</summary>
public sealed record EvalCommandOptions
{
    public required string Model { get; init; }
    public string? Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Cache { get; init; }
    /// <summary>First N test images only (default: all).</summary>
    public int? Images { get; init; }
    /// <summary>The network's input preprocessing when not the model's default.</summary>
    public Hass.Abstractions.PreprocessSpec? Preprocess { get; init; }
    public bool Json { get; init; }
    public int? Threads { get; init; }
}

/// <summary>`hass graph &lt;model&gt; [--json] [--out file]`</summary>
public sealed record GraphCommandOptions
{
    public required string Model { get; init; }
    public bool Json { get; init; }
    public string? Out { get; init; }
}

/// <summary>`hass profile &lt;model&gt; [--params file] [--json|--out file]`</summary>
public sealed record ProfileCommandOptions
{
    public required string Model { get; init; }
    /// <summary>JSON object of parameter values ({"w:features.0": 0.5, ...}) or a ParameterSet ({"values": {...}}).</summary>
    public string? Params { get; init; }
    public string Pruning { get; init; } = "threshold";
    /// <summary>The criterion's settings (a campaign's pruning.settings); undefined = its defaults.</summary>
    public System.Text.Json.JsonElement PruningSettings { get; init; }
    public string? Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Cache { get; init; }
    public int CalibrationImages { get; init; } = 1000;
    public bool FixedPoint16 { get; init; } = true;
    public bool Json { get; init; }
    public string? Out { get; init; }
    public int? Threads { get; init; }
    /// <summary>The network's input preprocessing when not the model's default.</summary>
    public Hass.Abstractions.PreprocessSpec? Preprocess { get; init; }
}

/// <summary>`hass model export &lt;name&gt; --out file.pt`: weights as a PyTorch state_dict.</summary>
public sealed record ExportWeightsCommandOptions
{
    public required string Model { get; init; }
    public required string Out { get; init; }
    public string? Checkpoint { get; init; }
    public string? Data { get; init; }
    public string? Cache { get; init; }
    /// <summary>BN folded and 16-bit quantised, as the board runs it (keys: conv weight + bias, no BN).</summary>
    public bool Folded { get; init; }
}
