using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Sensitivity;
using Hass.Search.Strategies;

namespace Hass.Search.Tests;

/// <summary>
/// The allocation ray: an accuracy budget split over the thresholds where it frees the most of the binding resource (synthetic
/// HASS-like problem with smoothed drops and per-layer resource shares, as the engine tells them; deterministic).
/// </summary>
public class AllocationRayTests
{
    private static readonly HassLikeProblem Problem = new(layers: 5, smoothedShare: 0.8);
    private const string Settings = """{"sweepDepth": 2, "rayDepth": 5, "allocationDepth": 4}""";
    private static int SweepTotal => 2 * Problem.Space.Dimensions.Count;

    /// <summary>The problem's outcome, with layer i holding 0.05 × (i + 1) of the binding resource.</summary>
    private static TrialOutcome WithResources(int number, ParameterSet p)
    {
        var o = Problem.Outcome(number, p);
        var metrics = new Dictionary<string, double>(o.Metrics!);
        for (var i = 0; i < Problem.Layers; i++) metrics[OutcomeMetrics.ResourcePrefix + $"l{i}"] = 0.05 * (i + 1);
        return o with { Metrics = metrics };
    }

    private static List<Driver.Step> Run(string settings, Func<int, ParameterSet, TrialOutcome> objective, int budget = 60, int parallel = 1) =>
        Driver.Run(Driver.Create("sensitivity", Problem.Space, 3, budget, settings), objective, budget, parallel);

    [Fact]
    public void After_the_ray_its_probes_come_then_tpe_and_the_local_moves()
    {
        var origins = Run(Settings, WithResources).Select(s => s.Suggestion.Origin).ToList();
        Assert.Equal(CeilingRay.CeilingOrigin, origins[SweepTotal]);
        Assert.All(origins.Skip(SweepTotal + 1).Take(4), o => Assert.Equal(CeilingRay.RayOrigin, o));
        Assert.All(origins.Skip(SweepTotal + 5).Take(4), o => Assert.Equal(AllocationRay.AllocationOrigin, o));
        Assert.All(origins.Skip(SweepTotal + 9), o => Assert.True(o.StartsWith("sensitivity:tpe", StringComparison.Ordinal) || o == BottleneckSearch.Origin, o));
    }

    [Fact]
    public void Without_smoothed_drops_resource_shares_or_depth_there_is_no_allocation_ray()
    {
        static bool Any(List<Driver.Step> steps) => steps.Any(s => s.Suggestion.Origin == AllocationRay.AllocationOrigin);
        Assert.False(Any(Run(Settings, new HassLikeProblem(layers: 5).Outcome)));
        Assert.False(Any(Run(Settings, Problem.Outcome)));
        Assert.False(Any(Run("""{"sweepDepth": 2, "rayDepth": 5, "allocationDepth": 0}""", WithResources)));
    }

    [Fact]
    public void The_first_probe_spends_the_rays_predicted_cost_where_it_frees_more_of_the_board()
    {
        var steps = Run(Settings, WithResources);
        var codec = new SpaceCodec(Problem.Space, "sensitivity");
        var scale = new ThresholdScale(codec);
        var history = steps.Take(SweepTotal + 5).Select(s => s.Outcome).ToList();
        var drops = SweptDropCurves.Of(scale, history)!;
        var rayBest = steps.Skip(SweepTotal).Take(5).Where(s => s.Outcome.ConstraintViolation <= 0).MaxBy(s => s.Outcome.Values![0])!;
        var first = steps[SweepTotal + 5].Suggestion.Parameters;
        var gains = SweptHardwareGains.Of(scale, history, rayBest.Outcome)!;
        double Cost(ParameterSet p) => drops.Sum(d => scale.FractionOf(d, p));
        double Gain(ParameterSet p) => scale.ThresholdDims.Sum(d => gains.Alone(d, scale.FractionOf(d, p)));
        Assert.True(Cost(first) <= Cost(rayBest.Suggestion.Parameters) + 1e-9, $"cost {Cost(first):F3} against the ray's {Cost(rayBest.Suggestion.Parameters):F3}");
        Assert.True(Gain(first) > Gain(rayBest.Suggestion.Parameters), $"gain {Gain(first):F3} against the ray's {Gain(rayBest.Suggestion.Parameters):F3}");
    }

    [Fact]
    public void A_resumed_instance_continues_as_the_original_when_its_probes_finished_out_of_order()
    {
        var original = Driver.Create("sensitivity", Problem.Space, 4, 60, Settings);
        var stored = Driver.Run(original, WithResources, SweepTotal + 9, parallel: 2, reverseTells: true);
        Assert.Contains(stored, s => s.Suggestion.Origin == AllocationRay.AllocationOrigin);
        var resumed = Driver.Create("sensitivity", Problem.Space, 4, 60, Settings);
        foreach (var s in stored.OrderBy(s => s.Outcome.Number)) resumed.Tell(s.Outcome);
        var next = Driver.Run(resumed, WithResources, 3).Select(s => s.Suggestion.Parameters);
        Assert.Equal(Driver.Run(original, WithResources, 3).Select(s => s.Suggestion.Parameters), next);
    }
}
