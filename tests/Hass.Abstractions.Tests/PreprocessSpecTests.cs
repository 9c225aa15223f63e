using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

/// <summary>The --preprocess syntax: per-channel values, defaults kept for what is not given, one clear message per mistake.</summary>
public class PreprocessSpecTests
{
    [Fact]
    public void Parses_per_channel_values_range_and_resize()
    {
        var spec = PreprocessSpec.Parse("mean=0.485/0.456/0.406, std=0.229/0.224/0.225,range=255,resize=256");
        Assert.Equal([0.485f, 0.456f, 0.406f], spec.Mean!);
        Assert.Equal([0.229f, 0.224f, 0.225f], spec.Std!);
        Assert.Equal(255, spec.Range);
        Assert.Equal(256, spec.Resize);
        Assert.Equal("mean=0.485/0.456/0.406,std=0.229/0.224/0.225,range=255,resize=256", spec.ToString());
        var onlyStd = PreprocessSpec.Parse("std=0.5");
        Assert.Null(onlyStd.Mean);
        Assert.Equal(1, onlyStd.Range);
    }

    [Theory]
    [InlineData("", "nothing given")]
    [InlineData("mean", "'mean' is not key=value")]
    [InlineData("mean=0.5,gamma=2", "unknown key 'gamma'")]
    [InlineData("mean=zero", "'zero' is not a number")]
    [InlineData("std=0.5/0", "std: must hold one value > 0")]
    [InlineData("mean=NaN", "mean: must hold one finite value")]
    [InlineData("range=0", "range: ")]
    [InlineData("range=1/2", "range takes one number")]
    [InlineData("resize=-3", "resize takes a whole number")]
    [InlineData("resize=0", "resize: ")]
    public void Refuses_with_a_message_naming_the_part(string text, string message)
    {
        var e = Assert.Throws<FormatException>(() => PreprocessSpec.Parse(text));
        Assert.Contains(message, e.Message);
    }
}
