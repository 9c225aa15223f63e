using Hass.Abstractions;

namespace Hass.Bench.Fidelity.Tests;

public class RankAgreementTests
{
    [Fact]
    public void Same_order_is_one_and_reversed_order_is_minus_one()
    {
        double[] measured = [4, 3, 2, 1];
        Assert.Equal(1.0, RankAgreement.Of([40, 30, 20, 10], measured).TauB, 12);
        var reversed = RankAgreement.Of([10, 20, 30, 40], measured);
        Assert.Equal(-1.0, reversed.TauB, 12);
        Assert.Equal(6, reversed.Discordant);
    }

    [Fact]
    public void One_swapped_pair_of_four_gives_two_thirds()
    {
        // 6 pairs, 5 concordant, 1 discordant: (5 − 1) / 6.
        var rank = RankAgreement.Of([4, 3, 1, 2], [4, 3, 2, 1]);
        Assert.Equal(4.0 / 6, rank.TauB, 12);
        Assert.Equal(4.0 / 6, rank.TauApart, 12);
        Assert.Equal(1, rank.Discordant);
    }

    [Fact]
    public void Measured_ties_lower_tau_b_but_not_the_tau_over_pairs_measured_apart()
    {
        // Designs 2–4 measure exactly equal; the prediction orders them (the mobilenet × zc706 case): no pair is wrong.
        double[] predicted = [10, 8, 7.99, 7.98], measured = [11, 9, 9, 9];
        var rank = RankAgreement.Of(predicted, measured);
        // τ-b = 3 / √(6 · 3) = 0.707.
        Assert.Equal(3 / Math.Sqrt(18), rank.TauB, 12);
        Assert.Equal(3, rank.PairsApart);
        Assert.Equal(1.0, rank.TauApart, 12);
        Assert.Equal(0, rank.Discordant);
    }

    [Fact]
    public void A_resolution_turns_close_measurements_into_ties()
    {
        // 100 and 100.05 differ by 0.05 %: apart at resolution 0, a tie at 0.001.
        double[] predicted = [100, 101, 50], measured = [100.05, 100, 60];
        Assert.Equal(1, RankAgreement.Of(predicted, measured).Discordant);
        var coarse = RankAgreement.Of(predicted, measured, resolution: 0.001);
        Assert.Equal(0, coarse.Discordant);
        Assert.Equal(2, coarse.PairsApart);
        Assert.Equal(1.0, coarse.TauApart, 12);
    }

    [Fact]
    public void A_pair_the_prediction_ties_but_the_measurement_orders_counts_against_tau_apart()
    {
        var rank = RankAgreement.Of([5, 5], [6, 4]);
        Assert.Equal(0.0, rank.TauApart, 12);
        Assert.Equal(0, rank.Discordant);
        Assert.True(double.IsNaN(rank.TauB));
    }

    [Fact]
    public void Batch_one_latency_is_one_interval_plus_the_fill_depth()
    {
        // 100 MHz, interval 999.2 → 1000 cycles, batch 256, depth 5000 cycles: batch latency (256 000 + 5000) / 1e8 s.
        var performance = new Performance { IntervalCycles = 999.2, BatchSize = 256, LatencySeconds = 261_000 / 1e8 };
        Assert.Equal(6000 / 1e8, CellRunner.PredictedBatchOneSeconds(performance, 100), 12);
    }
}
