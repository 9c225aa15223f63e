using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;

namespace Hass.Search.Tpe;

public enum TpeStartup { Scaled, Random }
public enum PrunedTrialHandling { Rank, Ignore }
/// <summary>The Parzen kernel density: Optuna's, or Optuna 3.1's without the −log σ term (wider proposals).</summary>
public enum TpeDensity { Optuna, Optuna31 }

/// <summary>Settings of "tpe" (docs/search.md); the defaults follow Optuna's TPESampler.</summary>
public sealed record TpeSettings
{
    /// <summary>Random startup trials; default: min(max(10, 2 × dimensions), budget / 3), at least 1.</summary>
    [JsonPropertyName("nStartupTrials"), Range(0, int.MaxValue)] public int? NStartupTrials { get; init; }
    [Range(0.0, 1.0)] public double Gamma { get; init; } = 0.1;
    [Range(1, int.MaxValue)] public int GammaMax { get; init; } = 25;
    [JsonPropertyName("nEiCandidates"), Range(1, 100_000)] public int NEiCandidates { get; init; } = 24;
    public bool ConstantLiar { get; init; } = true;
    public bool Constraints { get; init; } = true;
    public TpeStartup Startup { get; init; } = TpeStartup.Scaled;
    public PrunedTrialHandling PrunedTrials { get; init; } = PrunedTrialHandling.Rank;
    [Range(1e-12, double.PositiveInfinity)] public double PriorWeight { get; init; } = 1.0;
    public bool ConsiderPrior { get; init; } = true;
    public bool ConsiderMagicClip { get; init; } = true;
    public bool ConsiderEndpoints { get; init; }
    public bool Multivariate { get; init; }
    public TpeDensity Density { get; init; } = TpeDensity.Optuna;

    public int StartupTrials(int dimensions, int? budget)
    {
        var byDims = Math.Max(10, 2 * dimensions);
        return NStartupTrials ?? (budget is { } b ? Math.Max(1, Math.Min(byDims, b / 3)) : byDims);
    }
}
