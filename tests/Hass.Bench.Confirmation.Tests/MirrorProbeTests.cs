using Hass.Bench.Confirmation;

namespace Hass.Bench.Confirmation.Tests;

public class MirrorProbeTests
{
    [Fact]
    public void The_drops_on_images_and_mirrors_come_from_alternate_hits()
    {
        // Four images, each followed by its mirror: the design loses image 0 and its mirror, and the mirror of image 2.
        bool[] dense = [true, true, true, true, true, true, false, false];
        bool[] design = [false, false, true, true, true, false, false, false];
        var drop = MirroredDrop.Of(dense, design);
        Assert.Equal(25, drop.Images, 9);
        Assert.Equal(50, drop.Mirrors, 9);
        Assert.Equal(37.5, drop.Both, 9);
        Assert.Equal(1 / Math.Sqrt(3), drop.Correlation, 9);   // differences (1, 0, 0, 0) against (1, 0, 1, 0)
    }

    [Fact]
    public void The_pick_by_images_and_mirrors_counts_both()
    {
        var fast = new MirroredCandidate("s", "c", 1, 200, new MirroredDrop(0.6, 1.2, 0.1), new MirroredDrop(0.9, 1.1, 0.1));
        var slow = new MirroredCandidate("s", "c", 2, 100, new MirroredDrop(0.5, 0.5, 0.1), new MirroredDrop(0.4, 0.5, 0.1));
        var table = MirrorProbe.Render([fast, slow], limit: 0.7);
        Assert.Contains("| 200.0 (0.90) | 100.0 (0.40) |", table);
        Assert.Contains("| all | | 2 |", table);
    }
}
