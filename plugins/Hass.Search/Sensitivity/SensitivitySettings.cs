using System.Text.Json;
using Hass.Search.Core;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Settings of the <c>sensitivity</c> strategy (campaign file: strategy.settings, camelCase keys).
/// </summary>
/// <param name="SweepDepth">Bisection probes per threshold dimension in the sweep.</param>
/// <param name="RayDepth">Probes along the ray of the per-layer limits (the ceiling point first).</param>
/// <param name="Tolerance">Accuracy-drop tolerance in points for the sweep (null: the engine's ConstraintViolation).</param>
/// <param name="Gamma">The TPE's "below" fraction.</param>
/// <param name="ConsiderPrior">Whether the TPE keeps its prior kernel.</param>
/// <param name="Density">The TPE's kernel density: "optuna" or "optuna31" (wider proposals).</param>
public sealed record SensitivitySettings(int SweepDepth, int RayDepth, double? Tolerance, double Gamma, bool ConsiderPrior, string Density)
{
    /// <summary>Share of the trial budget the sweep may use when choosing its default depth.</summary>
    public const double SweepShare = 0.4;

    /// <summary>Default depth: as many probes per dimension as fit in <see cref="SweepShare"/> of the budget, 1 to 3.</summary>
    public static int DefaultDepth(int thresholdDims, int? budget) =>
        budget is { } b && thresholdDims > 0 ? Math.Clamp((int)(SweepShare * b / thresholdDims), 1, 3) : 3;

    public static SensitivitySettings Read(SettingsReader s, int thresholdDims, int? budget)
    {
        return new SensitivitySettings(
            s.Int("sweepDepth", DefaultDepth(thresholdDims, budget), 1, 10),
            s.Int("rayDepth", 5, 1, 20),
            s.OptionalDouble("tolerance", 0),
            s.Double("gamma", 0.1, 0, 1),
            s.Bool("considerPrior", true),
            s.Choice("density", "optuna", "optuna", "optuna31"));
    }

    /// <summary>The settings object handed to the inner tpe.</summary>
    public JsonElement TpeSettings() =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["gamma"] = Gamma, ["considerPrior"] = ConsiderPrior, ["density"] = Density });
}
