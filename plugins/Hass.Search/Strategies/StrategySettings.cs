using System.ComponentModel.DataAnnotations;
using Hass.Abstractions.Configuration;

namespace Hass.Search.Strategies;

public enum GreedyMode { Global, PerLayer }
public enum StartPoint { Default, Random }
public enum Initialization { Scaled, Random }
public enum SparsityMetric { EffectiveSparsity, WeightSparsity, ActivationSparsity }

/// <summary>Settings of "greedy" (docs/search.md).</summary>
public sealed record GreedySettings
{
    /// <summary>Allowed accuracy drop in points; default: the campaign's tolerance.</summary>
    [Range(0.0, double.PositiveInfinity)] public double? Tolerance { get; init; }
    public GreedyMode Mode { get; init; } = GreedyMode.Global;
    [Range(1e-9, 1.0)] public double WeightStep { get; init; } = 0.02;
    [Range(1e-9, 1.0)] public double ActivationStep { get; init; } = 0.01;
    [Range(1, int.MaxValue)] public int MaxSteps { get; init; } = int.MaxValue;
}

/// <summary>Settings of "anneal" (docs/search.md).</summary>
public sealed record AnnealSettings
{
    [Range(1, 1000)] public int BatchSize { get; init; } = 1;
    [Range(1e-12, double.PositiveInfinity)] public double InitialTemperature { get; init; } = 0.1;
    [Range(1e-12, double.PositiveInfinity)] public double FinalTemperature { get; init; } = 1e-3;
    [Range(1e-6, 1.0)] public double InitialStep { get; init; } = 0.25;
    [Range(1e-6, 1.0)] public double FinalStep { get; init; } = 0.02;
    /// <summary>Default: min(1, 3 / dimensions).</summary>
    [Range(0.0, 1.0)] public double? MutationProbability { get; init; }
    /// <summary>Trials over which the temperature falls; default: the trial budget, or 100.</summary>
    [Range(1, int.MaxValue)] public int? ScheduleTrials { get; init; }
    public StartPoint Start { get; init; } = StartPoint.Default;
}

/// <summary>Settings of "nsga2" (docs/search.md).</summary>
public sealed record Nsga2Settings
{
    /// <summary>Default: budget / 10 within [8, 50], or 20 without a trial budget (HASS budgets allow only a few generations).</summary>
    [Range(2, 10_000)] public int? PopulationSize { get; init; }
    [Range(0.0, 1.0)] public double CrossoverProbability { get; init; } = 0.9;
    [Range(0.0, double.PositiveInfinity)] public double CrossoverEta { get; init; } = 5;
    [Range(0.0, double.PositiveInfinity)] public double MutationEta { get; init; } = 5;
    /// <summary>Default: 1 / dimensions.</summary>
    [Range(0.0, 1.0)] public double? MutationProbability { get; init; }
    public Initialization Initialization { get; init; } = Initialization.Scaled;
}

/// <summary>Settings of "uniform" (docs/search.md).</summary>
public sealed record UniformSettings
{
    public static readonly double[][] DefaultRays = [[1, 0], [0, 1], [1, 1], [1, 0.5], [0.5, 1]];
    private const string RaysText = "a list of [weight, activation] pairs of numbers in [0, 1], e.g. [[1, 0], [1, 1]]";

    /// <summary>Allowed accuracy drop in points; default: the campaign's tolerance.</summary>
    [Range(0.0, double.PositiveInfinity)] public double? Tolerance { get; init; }
    public SparsityMetric SparsityMetric { get; init; } = SparsityMetric.EffectiveSparsity;
    [JsonExpected(RaysText), RaysRule] public double[][]? Rays { get; init; }
    /// <summary>Bisection steps per ray; default: (budget - 1) / rays within [1, 10], or 6.</summary>
    [Range(1, 30)] public int? Depth { get; init; }

    private sealed class RaysRuleAttribute : ValidationAttribute
    {
        public RaysRuleAttribute() => ErrorMessage = "must be " + RaysText + " (got {got})";
        public override bool IsValid(object? value) => value is not double[][] rays
            || (rays.Length > 0 && rays.All(r => r.Length == 2 && r.All(v => v is >= 0 and <= 1) && r.Any(v => v > 0)));
    }
}
