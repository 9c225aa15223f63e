using Hass.Engine.Running;

namespace Hass.Cli.Tests;

public class ProgressLineTests
{
    [Theory]
    [InlineData(7, 20, 6, "/20")]
    [InlineData(20, 20, 19, "/20")]
    [InlineData(21, 20, 19, " (19/20 done)")]
    public void A_trial_number_past_the_budget_shows_the_trials_done_instead(int number, int budget, int done, string expected) =>
        Assert.Equal(expected, ConsoleObserver.Of(number, new CampaignProgress { Campaign = "c", Budget = budget, Done = done }));

    [Fact]
    public void Without_a_trial_budget_nothing_follows_the_number() =>
        Assert.Equal("", ConsoleObserver.Of(3, new CampaignProgress { Campaign = "c", Budget = null, Done = 2 }));
}
