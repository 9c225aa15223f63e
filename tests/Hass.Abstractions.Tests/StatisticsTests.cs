using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class StatisticsTests
{
    [Theory]
    [InlineData(new[] { 3.0 }, 3.0)]
    [InlineData(new[] { 5.0, 1.0, 3.0 }, 3.0)]
    [InlineData(new[] { 4.0, 1.0, 3.0, 2.0 }, 2.5)]
    [InlineData(new[] { -1.0, -1.0 }, -1.0)]
    public void The_median_is_the_middle_value_or_the_mean_of_the_two_middle_values(double[] values, double median) =>
        Assert.Equal(median, Statistics.Median(values));

    [Fact]
    public void The_median_of_no_values_is_refused() =>
        Assert.Throws<InvalidOperationException>(() => Statistics.Median([]));

    [Fact]
    public void The_least_squares_line_minimises_the_squared_residuals()
    {
        // Residuals +1, −1, −1, +1 around y = 1 + 2x: no other line does better.
        var (intercept, slope) = Statistics.Line([(0, 2), (1, 2), (2, 4), (3, 8)]);
        Assert.Equal(1.0, intercept, 12);
        Assert.Equal(2.0, slope, 12);
        Assert.Equal((4.0, 0.0), Statistics.Line([(2, 3), (2, 5)]));
        Assert.Throws<InvalidOperationException>(() => Statistics.Line([]));
    }
}
