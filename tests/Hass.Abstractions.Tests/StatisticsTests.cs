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
}
