namespace Hass.Abstractions.Tests;

public class MirroredSplitsTests
{
    [Theory]
    [InlineData("test")]
    [InlineData("confirmation:after-4000")]
    public void A_split_with_its_mirrors_names_the_split(string split)
    {
        Assert.True(MirroredSplits.TryStrip(MirroredSplits.Of(split), out var unmirrored));
        Assert.Equal(split, unmirrored);
        Assert.Equal(split + "+mirrors", MirroredSplits.Of(split));
    }

    [Theory]
    [InlineData("test")]
    [InlineData("+mirrors")]
    [InlineData("test+mirror")]
    public void Other_names_are_not_mirrored(string split)
    {
        Assert.False(MirroredSplits.TryStrip(split, out var unmirrored));
        Assert.Equal(split, unmirrored);
    }
}
