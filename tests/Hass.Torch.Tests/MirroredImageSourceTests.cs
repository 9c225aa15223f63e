using Hass.Abstractions;
using Hass.Torch.Data;

namespace Hass.Torch.Tests;

public class MirroredImageSourceTests
{
    private static ImageSet TwoImagesOfTwoChannels()
    {
        // Two 2×2×3 images (channel-major): pixel values 0..11 and 12..23.
        var pixels = Enumerable.Range(0, 24).Select(i => (byte)i).ToArray();
        return new ImageSet("two", new InMemoryImageSource("two", new TensorShape(2, 2, 3), pixels, [4, 7], 10));
    }

    [Fact]
    public void Each_image_is_followed_by_its_left_right_mirror_with_the_same_label()
    {
        var set = TwoImagesOfTwoChannels().Take(2).Slice(1, 1, "second");
        var mirrored = MirroredImageSource.Interleaved(set, "second+mirrors");

        Assert.Equal(2, mirrored.Count);
        Assert.Equal([7, 7], new[] { mirrored.Label(0), mirrored.Label(1) });
        var (pixels, _) = mirrored.Batch(0, 2);
        using (pixels)
        {
            var values = pixels.data<byte>().ToArray();
            Assert.Equal(Enumerable.Range(12, 12).Select(i => (byte)i), values[..12]);
            // Every row of every channel reversed; rows and channels stay where they were.
            Assert.Equal(new byte[] { 14, 13, 12, 17, 16, 15, 20, 19, 18, 23, 22, 21 }, values[12..]);
        }
    }

    [Fact]
    public void A_mirrored_set_keeps_the_order_of_its_images()
    {
        var mirrored = MirroredImageSource.Interleaved(TwoImagesOfTwoChannels(), "two+mirrors");
        Assert.Equal([4, 4, 7, 7], Enumerable.Range(0, 4).Select(mirrored.Label));
        Assert.Equal(4, mirrored.Source.Count);
    }
}
