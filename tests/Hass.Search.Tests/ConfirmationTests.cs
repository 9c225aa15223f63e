using Hass.Abstractions;
using Hass.Search.Core;

namespace Hass.Search.Tests;

/// <summary>How the strategies read a trial's confirmation from its metrics.</summary>
public class ConfirmationTests
{
    private static TrialOutcome Confirmed(double drop, double limit) =>
        new(0, new ParameterSet(new Dictionary<string, double>()), TrialState.Complete, [1.0], 0,
            new Dictionary<string, double> { [OutcomeMetrics.ConfirmationDrop] = drop, [OutcomeMetrics.ConfirmationLimit] = limit });

    [Fact]
    public void A_drop_equal_to_the_limit_up_to_rounding_passes()
    {
        var tie = Confirmation.Of(Confirmed(0.7000000000000028, 0.7))!.Value;   // 28 of 4,000 images, as an older store holds it
        Assert.True(tie.Passed);
        Assert.False(Confirmation.Failed(Confirmed(0.7000000000000028, 0.7)));
    }

    [Fact]
    public void A_drop_one_image_above_the_limit_fails() =>
        Assert.True(Confirmation.Failed(Confirmed(0.725, 0.7)));

    [Fact]
    public void A_violation_of_a_rounding_error_is_feasible() =>
        Assert.True(Ranking.IsFeasible(Confirmed(0.5, 0.7) with { ConstraintViolation = 5.7e-15 }));
}
