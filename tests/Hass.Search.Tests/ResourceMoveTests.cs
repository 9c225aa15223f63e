using Hass.Abstractions;
using Hass.Search.Sensitivity;

namespace Hass.Search.Tests;

/// <summary>
/// Local moves that free the resource binding the design (<c>localResourceShare</c>), on the synthetic HASS-like problem told each
/// layer's share of that resource as the engine tells it (<c>resource:&lt;layer&gt;</c>; deterministic).
/// </summary>
public class ResourceMoveTests
{
    private static readonly HassLikeProblem TenDims = new(layers: 5);
    private const int Budget = 80;

    /// <summary>The problem's outcome, with layer i holding 0.05 × (i + 1) of the binding resource.</summary>
    private static TrialOutcome WithResources(int number, ParameterSet p)
    {
        var o = TenDims.Outcome(number, p);
        var metrics = new Dictionary<string, double>(o.Metrics!);
        for (var i = 0; i < TenDims.Layers; i++) metrics[OutcomeMetrics.ResourcePrefix + $"l{i}"] = 0.05 * (i + 1);
        return o with { Metrics = metrics };
    }

    /// <summary>
    /// The local moves of a run (each move's point, in order), and the layers raised by the moves that raised thresholds of layers
    /// outside the incumbent's slow stages only.
    /// </summary>
    private static (List<string> Moves, List<string> Freeing) LocalMoves(string settings, Func<int, ParameterSet, TrialOutcome> objective)
    {
        var strategy = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
        strategy.Initialize(Driver.Context(TenDims.Space, 0, Budget, settings));
        var steps = Driver.Run(strategy, objective, Budget);
        var (moves, freeing) = (new List<string>(), new List<string>());
        for (var k = 0; k < steps.Count; k++)
        {
            if (steps[k].Suggestion.Origin != BottleneckSearch.Origin) continue;
            var incumbent = strategy.LocalSearch!.Incumbent(steps.Take(k).Select(s => s.Outcome).ToList())!;
            var slow = LayerInfluence.SlowestLayers(incumbent, 0.05);
            var raised = TenDims.Space.Dimensions.Where(d => steps[k].Suggestion.Parameters[d.Name] > incumbent.Parameters[d.Name]).Select(d => d.Name[2..]).ToList();
            moves.Add(steps[k].Suggestion.Parameters.QuantisedKey(9));
            if (raised.Count > 0 && !raised.Any(slow.Contains)) freeing.AddRange(raised);
        }
        return (moves, freeing);
    }

    [Fact]
    public void Resource_moves_raise_thresholds_of_layers_that_hold_the_resource_outside_the_slow_stages()
    {
        var (moves, freeing) = LocalMoves("""{"localShare": 1, "localResourceShare": 1}""", WithResources);
        Assert.True(moves.Count > 20, $"{moves.Count} local moves");
        Assert.True(freeing.Count >= 0.8 * moves.Count, $"{freeing.Count} of {moves.Count} moves raise only layers outside the slow stages");
        Assert.True(freeing.Distinct().Count() >= 2, $"freed layers: {string.Join(", ", freeing.Distinct())}");
    }

    [Fact]
    public void Without_the_setting_or_without_resource_metrics_every_move_raises_a_slow_stage()
    {
        var (moves, freeing) = LocalMoves("""{"localShare": 1}""", WithResources);
        Assert.True(moves.Count > 20, $"{moves.Count} local moves");
        Assert.Empty(freeing);
        Assert.Empty(LocalMoves("""{"localShare": 1, "localResourceShare": 1}""", TenDims.Outcome).Freeing);
    }

    /// <summary>The outcome with resources and each layer's floor at <paramref name="floorShare"/> of its cycles (1: every stage at its floor).</summary>
    private static Func<int, ParameterSet, TrialOutcome> WithFloors(double floorShare) => (number, p) =>
    {
        var o = WithResources(number, p);
        var metrics = new Dictionary<string, double>(o.Metrics!);
        foreach (var (key, cycles) in o.Metrics!.Where(kv => kv.Key.StartsWith(OutcomeMetrics.CyclesPrefix, StringComparison.Ordinal)))
            metrics[OutcomeMetrics.FloorPrefix + key[OutcomeMetrics.CyclesPrefix.Length..]] = floorShare * cycles;
        return o with { Metrics = metrics };
    };

    [Fact]
    public void With_local_floors_a_design_whose_slow_stages_are_at_their_floor_gets_resource_moves()
    {
        var (moves, freeing) = LocalMoves("""{"localShare": 1, "localFloors": true}""", WithFloors(1.0));
        Assert.True(moves.Count > 20, $"{moves.Count} local moves");
        Assert.True(freeing.Count >= 0.8 * moves.Count, $"{freeing.Count} of {moves.Count} moves raise only layers outside the slow stages");
        Assert.Empty(LocalMoves("""{"localShare": 1}""", WithFloors(1.0)).Freeing);
    }

    [Fact]
    public void With_local_floors_and_stages_above_their_floor_the_moves_are_the_default_ones()
    {
        var floors = LocalMoves("""{"localShare": 1, "localFloors": true}""", WithFloors(0.5));
        var plain = LocalMoves("""{"localShare": 1}""", WithFloors(0.5));
        Assert.NotEmpty(plain.Moves);
        Assert.Equal(plain.Moves, floors.Moves);
        Assert.Empty(floors.Freeing);
    }

    [Fact]
    public void With_resource_moves_the_same_seed_gives_the_same_local_moves_with_trials_in_flight()
    {
        static List<string> Moves() => Driver.LocalMovesInFlight(TenDims.Space, """{"localResourceShare": 0.5}""", WithResources, Budget);
        var first = Moves();
        Assert.NotEmpty(first);
        Assert.Equal(first, Moves());
    }
}
