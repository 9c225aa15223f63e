using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class AccuracyDropTests
{
    private static double Top1(int correct, int images) => 100.0 * correct / images;

    [Fact]
    public void A_drop_of_exactly_the_limit_in_images_is_within_it()
    {
        // 28 of 4,000 images lost: 0.7 points, which the raw difference of percentages overshoots.
        var (dense, pruned) = (Top1(3600, 4000), Top1(3572, 4000));
        Assert.True(dense - pruned > 0.7);
        Assert.Equal(0.7, AccuracyDrop.Between(dense, pruned));
        Assert.True(AccuracyDrop.Within(dense - pruned, 1.0 - 0.3));
    }

    [Fact]
    public void One_image_more_is_not_within_it_even_on_a_million_images() =>
        Assert.False(AccuracyDrop.Within(AccuracyDrop.Between(Top1(900_000, 1_000_000), Top1(900_000 - 7_001, 1_000_000)), 0.7));

    [Fact]
    public void A_drop_just_within_its_limit_stays_within_it() =>
        Assert.True(AccuracyDrop.Within(AccuracyDrop.Between(Top1(3600, 4000), Top1(3573, 4000)), 0.7));
}
