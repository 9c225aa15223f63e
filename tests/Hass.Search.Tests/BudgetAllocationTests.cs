using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Sensitivity;
using Hass.Search.Strategies;

namespace Hass.Search.Tests;

/// <summary>The split of an accuracy budget over thresholds, and the hardware gains it weighs them by.</summary>
public class BudgetAllocationTests
{
    // Dimension 0 frees 0.4 of the board at a cost of 1 point; dimension 1 frees 0.1 at the same cost: both linear to their limit 1.
    private static readonly BudgetAllocation TwoDims = new(new Dictionary<int, double> { [0] = 1, [1] = 1 },
        cost: (_, f) => f, gain: (d, f) => (d == 0 ? 0.4 : 0.1) * f);

    [Fact]
    public void The_budget_goes_first_where_a_point_of_accuracy_frees_the_most()
    {
        var half = TwoDims.At(0.5);
        Assert.Equal(0, half[1]);
        Assert.InRange(half[0], 0.45, 0.5);
        var most = TwoDims.At(1.5);
        Assert.Equal(1, most[0]);
        Assert.InRange(most[1], 0.45, 0.5);
    }

    [Fact]
    public void More_budget_never_prunes_less_and_never_costs_more_than_given()
    {
        var allocation = new BudgetAllocation(new Dictionary<int, double> { [0] = 0.8, [1] = 0.5, [2] = 1 },
            cost: (d, f) => (d + 1) * f * f, gain: (d, f) => Math.Sqrt(f) / (d + 1));
        var previous = new Dictionary<int, double> { [0] = 0, [1] = 0, [2] = 0 };
        for (var budget = 0.0; budget <= allocation.MaximumCost + 0.1; budget += 0.05)
        {
            var fractions = allocation.At(budget);
            Assert.True(fractions.Sum(f => (f.Key + 1) * f.Value * f.Value) <= budget + 1e-9, $"budget {budget}");
            Assert.All(fractions, f => Assert.True(f.Value >= previous[f.Key] - 1e-12, $"dimension {f.Key} at budget {budget}"));
            previous = fractions.ToDictionary(f => f.Key, f => f.Value);
        }
        Assert.Equal(new Dictionary<int, double> { [0] = 0.8, [1] = 0.5, [2] = 1 }, allocation.At(allocation.MaximumCost));
    }

    [Fact]
    public void A_layers_gain_is_its_share_of_the_binding_resource_times_the_work_its_zeros_remove()
    {
        var space = new SearchSpace([new SearchDimension { Name = "w:a", Low = 0, High = 1 }, new SearchDimension { Name = "w:b", Low = 0, High = 1 }]);
        var scale = new ThresholdScale(new SpaceCodec(space, "sensitivity"));
        static TrialOutcome Probe(int number, double a, double b, double sparsityA, double sparsityB) => new(number,
            new ParameterSet(new Dictionary<string, double> { ["w:a"] = a, ["w:b"] = b }), TrialState.Complete, [1.0], 0,
            new Dictionary<string, double> { ["sparsity:a"] = sparsityA, ["sparsity:b"] = sparsityB });
        var history = new List<TrialOutcome> { Probe(0, 0, 0, 0.5, 0.2), Probe(1, 0.5, 0, 0.75, 0.2), Probe(2, 0, 0.5, 0.5, 0.6) };
        var reference = new TrialOutcome(3, new ParameterSet(new Dictionary<string, double> { ["w:a"] = 0, ["w:b"] = 0 }), TrialState.Complete, [1.0], 0,
            new Dictionary<string, double> { ["resource:a"] = 0.6, ["resource:b"] = 0.2 });
        var gains = SweptHardwareGains.Of(scale, history, reference)!;
        Assert.Equal(0.6 * 0.25 / 0.5, gains.Alone(0, 0.5), 9); // half of layer a's remaining work, 0.6 of the resource
        Assert.Equal(0.2 * 0.4 / 0.8, gains.Alone(1, 0.5), 9);
        Assert.Equal(0.5 * gains.Alone(0, 0.5), gains.Alone(0, 0.25), 9);
        Assert.Equal(gains.Alone(0, 0.5), gains.Alone(0, 1), 9);
    }
}
