using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class PairedDropTests
{
    [Fact]
    public void The_standard_error_is_that_of_the_mean_of_the_per_image_differences()
    {
        // 2,000 images: 60 lost, 20 gained. Per image the difference is +1 (60×), −1 (20×) or 0; its mean is the drop.
        var differences = Enumerable.Repeat(1.0, 60).Concat(Enumerable.Repeat(-1.0, 20)).Concat(Enumerable.Repeat(0.0, 1920)).ToArray();
        var mean = differences.Average();
        var populationVariance = differences.Sum(d => (d - mean) * (d - mean)) / differences.Length;
        Assert.Equal(100 * Math.Sqrt(populationVariance / differences.Length), PairedDrop.StandardError(60, 20, 2000), 12);
    }

    [Theory]
    [InlineData(0, 0, 2000, 0.0)]     // identical answers: the drop is exact
    [InlineData(0, 0, 0, 0.0)]
    [InlineData(100, 0, 100, 0.0)]    // every image lost: no spread
    public void Degenerate_cases_have_no_spread(int lost, int gained, int images, double expected) =>
        Assert.Equal(expected, PairedDrop.StandardError(lost, gained, images), 12);

    [Fact]
    public void More_disagreement_at_the_same_drop_is_a_less_certain_drop() =>
        Assert.True(PairedDrop.StandardError(120, 100, 2000) > 2 * PairedDrop.StandardError(25, 5, 2000));

    [Fact]
    public void An_outcome_without_pairing_has_none()
    {
        Assert.Null(PairedDrop.StandardError(new EvaluationOutcome { Top1 = 90, Images = 100 }));
        Assert.Equal(PairedDrop.StandardError(3, 1, 100), PairedDrop.StandardError(new EvaluationOutcome { Top1 = 88, Images = 100, LostImages = 3, GainedImages = 1 }));
    }

    [Fact]
    public void Negative_counts_are_refused() => Assert.Throws<ArgumentOutOfRangeException>(() => PairedDrop.StandardError(-1, 0, 10));
}
