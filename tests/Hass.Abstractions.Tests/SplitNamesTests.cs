namespace Hass.Abstractions.Tests;

public class SplitNamesTests
{
    [Theory]
    [InlineData("search", 0, true)]
    [InlineData("test+mirrors", 0, true)]
    [InlineData("confirmation", 0, false)]
    [InlineData("confirmation", 500, true)]
    [InlineData("confirmation+mirrors", 500, true)]
    [InlineData("confirmation:first-250", 500, true)]
    [InlineData("confirmation:after-250+mirrors", 500, true)]
    [InlineData("confirmation:range-250-100", 500, true)]
    [InlineData("confirmation:first-500", 500, false)]
    [InlineData("confirmation:first-250", 0, false)]
    [InlineData("tests", 500, false)]
    [InlineData("+mirrors", 500, false)]
    public void The_known_splits_are_search_test_and_with_images_held_out_the_confirmation_split_and_its_parts(string split, int confirmationImages, bool known) =>
        Assert.Equal(known, SplitNames.Known(split, confirmationImages));
}
