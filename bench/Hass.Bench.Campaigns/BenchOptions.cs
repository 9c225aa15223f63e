using Hass.Abstractions;
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
    /// <summary>Read the stores already in <see cref="Work"/> instead of running.</summary>
    public bool NoRun { get; init; }
}

/// <summary>One run: a pipeline on a model × board × seed.</summary>
public sealed record RunKey(string Model, string Board, string Pipeline, int Seed)
{
    public string Tag => $"{Model}-{Board}-{Pipeline}-{Seed}";
}

/// <summary>What a run produced (from its store's final table), or why it did not.</summary>
public sealed record RunResult(RunKey Key, double Throughput, double TestDrop, double DenseThroughput, double SystolicThroughput,
                               int Trials, TimeSpan Wall, string? Error = null)
{
    /// <summary>The ceilings of the run's final table (NaN when absent): see docs/search.md "The ceilings".</summary>
    public Ceilings Ceilings { get; init; } = Ceilings.None;
    /// <summary>Mean seconds per trial of the search campaign (trial walls, not the run's wall).</summary>
    public double SecondsPerTrial { get; init; } = double.NaN;
    /// <summary>The chosen design's sparsity cap (null when its backend gives no floors or the run failed).</summary>
    public SparsityCap? Cap { get; init; }
    /// <summary>The board scale the chosen design's next folding level needs (null when not priced: no cap, older stores, past 4×).</summary>
    public double? NextLevelBoardScale { get; init; }

    /// <summary>A run that produced no table: no figures, no trials, and why.</summary>
    public static RunResult Failed(RunKey key, TimeSpan wall, string error) => new(key, double.NaN, double.NaN, double.NaN, double.NaN, 0, wall, error);
}

/// <summary>The sensitivity ceiling and the max-sparsity ceiling (img/s), with the latter's binding resource.</summary>
public sealed record Ceilings(double Sensitivity, double MaxSparsity, string? MaxSparsityNote)
{
    public static Ceilings None { get; } = new(double.NaN, double.NaN, null);
}
