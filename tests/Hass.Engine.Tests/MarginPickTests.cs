using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>The final table's noise-aware pick (final.pickMargin).</summary>
public class MarginPickTests
{
    private static readonly Objective Throughput = new(new ObjectiveSpec { Metric = ObjectiveMetric.Throughput, ToleranceTop1 = 1.0 });

    private static TrialRecord Trial(int number, double throughput, double drop) => new()
    {
        Campaign = "c", Number = number, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double>()),
        ObjectiveValues = [throughput], ConstraintViolation = drop - 1.0, Feasible = drop <= 1.0, PredictedThroughput = throughput,
    };

    private static readonly TrialRecord[] Trials = [Trial(0, 100, 0.2), Trial(1, 300, 0.95), Trial(2, 200, 0.45), Trial(3, 400, 1.5)];

    [Fact]
    public void Without_a_margin_the_pick_is_the_fastest_feasible_trial() =>
        Assert.Equal(1, MarginPick.Best(Throughput, Trials, 0)!.Number);

    [Fact]
    public void A_margin_keeps_only_trials_whose_drop_is_that_far_below_the_tolerance()
    {
        Assert.Equal(2, MarginPick.Best(Throughput, Trials, 0.5)!.Number);
        Assert.Equal(0, MarginPick.Best(Throughput, Trials, 0.7)!.Number);
        Assert.Null(MarginPick.Best(Throughput, Trials, 0.9));
    }

    [Fact]
    public void The_uniform_baseline_bisects_with_the_tolerance_less_the_margin()
    {
        var spec = CampaignLoader.Parse("""
            { "name": "m", "model": "synthetic-cnn", "pruning": "synthetic-threshold", "backend": "toy", "board": "toy-board", "strategy": "seeded-random", "budget": { "trials": 5 },
              "objective": { "metric": "throughput", "toleranceTop1": 1.0 }, "final": { "uniformBaselineTrials": 5, "pickMargin": 0.25 } }
            """, "c.json");
        var baseline = MarginPick.UniformStrategy(spec, "uniform");
        Assert.Equal("uniform", baseline.Name);
        Assert.Equal(0.75, baseline.Settings.GetProperty("tolerance").GetDouble(), 9);
        var unmargined = MarginPick.UniformStrategy(spec with { Final = spec.Final with { PickMargin = 0 } }, "uniform");
        Assert.False(unmargined.Settings.TryGetProperty("tolerance", out _));
    }
}
