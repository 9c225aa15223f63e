using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class ConfirmationPartsTests
{
    [Fact]
    public void The_two_parts_are_disjoint_and_cover_the_split()
    {
        Assert.True(ConfirmationParts.TryResolve(ConfirmationParts.First(2000), 8000, out var firstStart, out var firstCount));
        Assert.True(ConfirmationParts.TryResolve(ConfirmationParts.After(2000), 8000, out var restStart, out var restCount));
        Assert.Equal((0, 2000), (firstStart, firstCount));
        Assert.Equal((2000, 6000), (restStart, restCount));
        Assert.Equal("confirmation:first-2000", ConfirmationParts.First(2000));
        Assert.Equal("confirmation:after-2000", ConfirmationParts.After(2000));
    }

    [Fact]
    public void A_range_names_the_images_between_the_search_part_and_the_final_part()
    {
        Assert.Equal("confirmation:range-4000-2000", ConfirmationParts.Range(4000, 2000));
        Assert.True(ConfirmationParts.TryResolve(ConfirmationParts.Range(4000, 2000), 8000, out var start, out var count));
        Assert.Equal((4000, 2000), (start, count));
        Assert.True(ConfirmationParts.TryResolve(ConfirmationParts.Range(6000, 2000), 8000, out _, out _));
    }

    [Theory]
    [InlineData("confirmation:range-6001-2000")]
    [InlineData("confirmation:range-0-0")]
    [InlineData("confirmation:range-4000")]
    [InlineData("confirmation:range--1-20")]
    [InlineData("confirmation:range-1-2-3")]
    [InlineData("confirmation:range-2147483647-2")]
    [InlineData("confirmation")]
    [InlineData("search")]
    [InlineData("confirmation:first-")]
    [InlineData("confirmation:first-0")]
    [InlineData("confirmation:first-8000")]
    [InlineData("confirmation:after-9000")]
    [InlineData("confirmation:first--5")]
    [InlineData("confirmation:first-+5")]
    [InlineData("confirmation:first-1e3")]
    [InlineData("confirmation:half")]
    public void A_name_that_is_no_part_or_leaves_a_side_empty_resolves_to_nothing(string split) =>
        Assert.False(ConfirmationParts.TryResolve(split, 8000, out _, out _));
}
