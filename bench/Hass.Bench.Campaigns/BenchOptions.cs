namespace Hass.Bench.Campaigns;

/// <summary>What one invocation runs: every pipeline on every model × board × seed, one store per run.</summary>
public sealed record BenchOptions
{
    public required IReadOnlyList<string> Models { get; init; }
    public required IReadOnlyList<string> Boards { get; init; }
    public required IReadOnlyList<int> Seeds { get; init; }
    public required int Trials { get; init; }
    public required IReadOnlyList<string> Pipelines { get; init; }
    public required string Campaign { get; init; }
    public required string Hass { get; init; }
    public required string Work { get; init; }
    public required string? Results { get; init; }
    public required int Parallel { get; init; }
}

/// <summary>One run: a pipeline on a model × board × seed.</summary>
public sealed record RunKey(string Model, string Board, string Pipeline, int Seed)
{
    public string Tag => $"{Model}-{Board}-{Pipeline}-{Seed}";
}

/// <summary>What a run produced (from its store's final table), or why it did not.</summary>
public sealed record RunResult(RunKey Key, double Throughput, double TestDrop, double DenseThroughput, double SystolicThroughput,
                               int Trials, TimeSpan Wall, string? Error = null);
