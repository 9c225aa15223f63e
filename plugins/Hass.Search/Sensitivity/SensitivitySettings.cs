using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using Hass.Search.Tpe;

namespace Hass.Search.Sensitivity;

/// <summary>Settings of the <c>sensitivity</c> strategy (campaign file: strategy.settings, camelCase keys).</summary>
public sealed record SensitivitySettings
{
    /// <summary>Share of the trial budget the sweep may use when choosing its default depth.</summary>
    public const double SweepShare = 0.4;

    /// <summary>Bisection probes per threshold dimension in the sweep; default: <see cref="DefaultDepth"/>.</summary>
    [Range(1, 10)] public int? SweepDepth { get; init; }
    /// <summary>Probes along the ray of the per-layer limits (the ceiling point first).</summary>
    [Range(1, 20)] public int RayDepth { get; init; } = 5;
    /// <summary>
    /// Probes along the hardware-weighted allocations of the accuracy budget after the ray (<see cref="AllocationRay"/>); 0: none.
    /// Needs the sweep's smoothed drops and layer sparsities, and a design's resource shares; without them there is no such ray.
    /// Off by default: at 5 the six cells gave 1.178× uniform against 1.185× (docs/search.md).
    /// </summary>
    [Range(0, 20)] public int AllocationDepth { get; init; }
    /// <summary>Accuracy-drop tolerance in points for the sweep, the ray and tpe's feasibility (null: the engine's constraint violation).</summary>
    [Range(0.0, double.PositiveInfinity)] public double? Tolerance { get; init; }
    /// <summary>
    /// Points added to the engine's violation of every unconfirmed trial before the sweep, the ray and tpe judge it: set to
    /// final.confirmMargin, they count as feasible only what the final pick's limit would accept. Unlike <see cref="Tolerance"/>, the
    /// engine's calibration of the search-split drops is kept. 0: off.
    /// </summary>
    [Range(0.0, 100.0)] public double SearchMargin { get; init; }
    /// <summary>
    /// Which phases judge trials with <see cref="SearchMargin"/>: <see cref="SearchMarginScope.All"/> the sweep, the ray and tpe;
    /// <see cref="SearchMarginScope.Tpe"/> tpe alone, so the sweep's limits, and the space tpe searches, stay those of the tolerance.
    /// </summary>
    public SearchMarginScope SearchMarginScope { get; init; } = SearchMarginScope.All;
    /// <summary>The inner tpe's "below" fraction.</summary>
    [Range(0.0, 1.0)] public double Gamma { get; init; } = 0.1;
    /// <summary>Whether the inner tpe keeps its prior kernel.</summary>
    public bool ConsiderPrior { get; init; } = true;
    /// <summary>The inner tpe's kernel density.</summary>
    public TpeDensity Density { get; init; } = TpeDensity.Optuna;

    /// <summary>Share of the proposals after the ray that are bottleneck-directed local moves (<see cref="BottleneckSearch"/>); 0: tpe alone.</summary>
    [Range(0.0, 1.0)] public double LocalShare { get; init; } = 0.5;
    /// <summary>Points below the engine's tolerance the local search's incumbent must stay (set it to final.pickMargin).</summary>
    [Range(0.0, 100.0)] public double LocalMargin { get; init; } = 0.5;
    /// <summary>Accuracy slack (points) below which every local move also lowers a threshold that feeds no slow stage.</summary>
    [Range(0.0, 100.0)] public double LocalExchangeBelow { get; init; } = 0.25;

    /// <summary>
    /// Choose each local move from <see cref="BottleneckSearch.SteeredCandidates"/> with the additive model of the sweep's smoothed
    /// drops (<see cref="AdditiveDropModel"/>); without smoothed drops in the trials' metrics the moves are drawn as without it.
    /// Off by default: on the shipped models its picks were as fast as the undirected moves', not faster (docs/search.md).
    /// </summary>
    public bool LocalModel { get; init; }

    /// <summary>
    /// How the local step responds to moves that did not beat the incumbent: <see cref="LocalStepRule.Failures"/> shrinks it for
    /// any of them; <see cref="LocalStepRule.Outcome"/> shrinks it for those that lost too much accuracy and grows it for those that
    /// were no faster (docs/search.md).
    /// </summary>
    public LocalStepRule LocalStepRule { get; init; } = LocalStepRule.Failures;

    /// <summary>
    /// Share of the local moves that raise a threshold of a layer holding much of the resource that binds the design (DSPs or LUTs) in
    /// place of one feeding the slow stages: zeros there free resources the DSE gives the slow stages (docs/search.md).
    /// </summary>
    [Range(0.0, 1.0)] public double LocalResourceShare { get; init; }

    /// <summary>
    /// Local moves read each layer's floor (<c>floor:&lt;layer&gt;</c>): a slow stage already at its floor is left alone, since zeros
    /// cannot speed it up, and when every slow stage is there the move frees the binding resource instead (docs/search.md).
    /// </summary>
    public bool LocalFloors { get; init; }

    public BottleneckSettings Bottleneck() => new(LocalShare, LocalMargin, Tolerance, LocalExchangeBelow, LocalModel, LocalStepRule, LocalResourceShare, LocalFloors);

    /// <summary>Default depth: as many probes per dimension as fit in <see cref="SweepShare"/> of the budget, 1 to 3.</summary>
    public static int DefaultDepth(int thresholdDims, int? budget) =>
        budget is { } b && thresholdDims > 0 ? Math.Clamp((int)(SweepShare * b / thresholdDims), 1, 3) : 3;

    public int Depth(int thresholdDims, int? budget) => SweepDepth ?? DefaultDepth(thresholdDims, budget);

    /// <summary>The settings object handed to the inner tpe.</summary>
    public JsonElement TpeSettings() =>
        JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["gamma"] = Gamma, ["considerPrior"] = ConsiderPrior, ["density"] = JsonNamingPolicy.CamelCase.ConvertName(Density.ToString()),
        });
}

/// <summary>Which phases of the <c>sensitivity</c> strategy judge unconfirmed trials with its <c>searchMargin</c>.</summary>
public enum SearchMarginScope
{
    /// <summary>The sweep, the ray and tpe.</summary>
    All,
    /// <summary>tpe alone: the sweep's limits and the ray keep the engine's tolerance.</summary>
    Tpe,
}
