using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;

namespace Hass.Bench.Confirmation.Tests;

public class SmoothedFinalistsTests
{
    private static readonly Objective Objective = new(new ObjectiveSpec { ToleranceTop1 = 1.0 });

    private static TrialRecord Trial(int number, double smoothed, double counted) => new()
    {
        Campaign = "bench", Number = number, State = TrialState.Complete, SmoothedDrop = smoothed, ConstraintViolation = counted - 1.0,
        Feasible = counted <= 1.0, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:conv"] = number }),
    };

    [Fact]
    public void Each_trials_search_drop_becomes_the_one_the_campaigns_line_predicts()
    {
        // 30 trials on counted = 0.5 × smoothed, then one whose count (1.6) the line puts at 0.6.
        var trials = Enumerable.Range(0, 30).Select(i => Trial(i, 0.1 * i, 0.05 * i)).Append(Trial(30, 1.2, 1.6)).ToList();
        var predicted = SmoothedFinalists.Predicted(trials, Objective);
        var lucky = predicted.Single(t => t.Number == 30);
        Assert.True(lucky.Feasible);
        Assert.InRange(lucky.ConstraintViolation + 1.0, 0.6, 0.7);
        Assert.Equal(0.5, predicted.Single(t => t.Number == 10).ConstraintViolation + 1.0, 1);
    }

    [Fact]
    public void Too_few_trials_leave_the_counts_as_they_are()
    {
        var trials = Enumerable.Range(0, 5).Select(i => Trial(i, 0.1 * i, 0.05 * i + 2)).ToList();
        Assert.Same(trials, SmoothedFinalists.Predicted(trials, Objective));
    }
}
