namespace Hass.Bench.Confirmation.Tests;

public class FineTuneProbeTests
{
    private static FineTuneScore Score(string campaign, int trial, double throughput, double before, double after) =>
        new("vgg-0", campaign, trial, throughput, throughput * 0.9, 0.5, before, after, before - 0.2, after - 0.2, 0.55, 0.54, 9) { PickLimit = 0.7 };

    [Fact]
    public void The_table_has_a_row_per_trial_and_per_campaign_the_fastest_within_the_limit_before_and_after()
    {
        FineTuneScore[] scores =
        [
            Score("bench", 1, 300, 1.3, 0.75), Score("bench", 2, 250, 1.1, 0.70), Score("bench", 3, 200, 0.9, 0.4),
            Score("bench-uniform", 4, 150, 0.6, 0.5), Score("bench-uniform", 5, 100, 0.8, 0.9),
        ];
        var table = FineTuneProbe.Render(scores, [], new FineTuneRecipe(200, 128, 1e-4, 0));
        Assert.Contains("200 steps of 128 training images, AdamW lr 0.0001", table);
        Assert.Contains("| vgg-0 | bench | 1 | 300.0 → 270.0 | 0.50 | 1.30 → 0.75 | 1.10 → 0.55 | 0.550 → 0.540 | 9 |", table);
        Assert.Contains("| vgg-0 | bench | 0.70 | none | 225.0 |", table);             // 0.70 is within its limit, 0.75 is not; priced after tuning
        Assert.Contains("| vgg-0 | bench-uniform | 0.70 | 150.0 | 135.0 |", table);
    }

    [Fact]
    public void A_campaign_left_out_is_listed_under_the_tables()
    {
        var table = FineTuneProbe.Render([Score("bench", 1, 300, 1.3, 0.75)], ["mob-0 bench: trial 95 scores 88.10 % top-1 on the search split, 92.30 % stored; left out"],
            new FineTuneRecipe(50, 128, 1e-4, 0));
        Assert.EndsWith("Left out:\n\n- mob-0 bench: trial 95 scores 88.10 % top-1 on the search split, 92.30 % stored; left out\n", table.ReplaceLineEndings("\n"));
        Assert.DoesNotContain("Left out", FineTuneProbe.Render([Score("bench", 1, 300, 1.3, 0.75)], [], new FineTuneRecipe(50, 128, 1e-4, 0)));
    }

    [Theory]
    [InlineData(92.30, 92.30, null)]
    [InlineData(92.30, 92.25, null)]                    // within 0.1 point: another thread count may reorder float sums
    [InlineData(92.30, 92.15, "trial 7 scores 92.15 % top-1 on the search split, 92.30 % stored")]
    [InlineData(92.30, 64.00, "trial 7 scores 64.00 % top-1 on the search split, 92.30 % stored")]
    public void A_network_that_does_not_score_the_stored_top1_is_a_mismatch(double stored, double measured, string? expected) =>
        Assert.Equal(expected, StoredReproduction.Mismatch("trial 7", stored, () => measured));

    [Fact]
    public void Nothing_stored_is_no_mismatch_and_is_not_measured() =>
        Assert.Null(StoredReproduction.Mismatch("the dense network", null, () => throw new InvalidOperationException("measured")));
}
