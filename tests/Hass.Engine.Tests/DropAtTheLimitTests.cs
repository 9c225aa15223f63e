using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>A drop equal to its limit in images passes, though the difference of percentages overshoots it by a rounding error.</summary>
public class DropAtTheLimitTests
{
    private static readonly double RawDrop = 100.0 * 3600 / 4000 - 100.0 * 3572 / 4000;   // 28 of 4,000 images: 0.7000000000000028

    [Fact]
    public void The_raw_difference_overshoots() => Assert.True(RawDrop > 0.7);

    [Fact]
    public void A_stored_confirmation_at_the_limit_passed()
    {
        var trial = new TrialRecord { Campaign = "c", Number = 1, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double>()), ConfirmationDrop = RawDrop, ConfirmationLimit = 0.7 };
        Assert.True(trial.PassedConfirmation());
        Assert.False(trial.FailedConfirmation());
        Assert.True((trial with { ConfirmationDrop = 0.725 }).FailedConfirmation());
    }

    [Fact]
    public void A_search_drop_at_the_tolerance_is_feasible()
    {
        var objective = new Objective(new ObjectiveSpec { Metric = ObjectiveMetric.Throughput, ToleranceTop1 = 0.7 });
        Assert.Equal(0.0, objective.Violation(RawDrop));
        Assert.Equal(0.025, objective.Violation(100.0 * 3600 / 4000 - 100.0 * 3571 / 4000), 9);
    }
}
