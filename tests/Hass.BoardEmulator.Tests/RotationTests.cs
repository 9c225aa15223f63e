using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Links;
using Hass.Board.Testing;

namespace Hass.BoardEmulator.Tests;

/// <summary>`MeasureOptions.Rotations`: runs that start at different uploaded images, averaged over their times.</summary>
public class RotationTests
{
    private const int Count = 6;
    private static readonly int Elements = (int)TinyNet.Graph().Layers[0].OutputShape.Elements;

    /// <summary>Six images from dense to mostly zero, so which one enters the empty pipeline first changes a run's cycles.</summary>
    private static float[] Images()
    {
        var random = new Random(3);
        return Enumerable.Range(0, Count * Elements)
            .Select(i => random.NextDouble() < (i / Elements) / (double)Count ? 0f : (float)random.NextDouble() + 0.1f).ToArray();
    }

    private static float[] Rotated(float[] images, int first) => [.. images.AsSpan(first * Elements), .. images.AsSpan(0, first * Elements)];

    [Fact]
    public async Task Each_rotation_runs_the_uploaded_set_from_another_image_and_the_measurement_averages_their_times()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        await using var runner = new BoardRunner(emulator.Address, BoardLinks.Standard);
        var images = Images();
        var options = new MeasureOptions { Repeats = 1, Images = Count, UploadImages = images, Rotations = 3 };
        var m = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options);

        // Rotation j starts at image ⌊j·6/3⌋: images 0, 2 and 4.
        var expected = new[] { 0, 2, 4 }.Select(first => Expected.Rates(options with { Rotations = 1, UploadImages = Rotated(images, first) })[0]).ToArray();
        Assert.Equal(expected, m.Repeats);
        Assert.True(expected.Distinct().Count() > 1, "the first image should change the cycles of a run on this net");
        Assert.Equal(3 / expected.Sum(r => 1 / r), m.MedianImagesPerSecond, 9);
        Assert.Equal(3 * Count, m.Images);
        Assert.Contains("mean of 3 rotations", BoardCommands.Describe(m), StringComparison.Ordinal);
        // One rotation is the plain measurement.
        var plain = await runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options with { Rotations = 1 });
        Assert.Equal(expected[0], plain.MedianImagesPerSecond);
    }

    [Fact]
    public async Task More_rotations_than_uploaded_images_are_refused_before_the_board_is_used()
    {
        await using var runner = new BoardRunner("tcp:127.0.0.1:1", BoardLinks.Standard);
        var options = new MeasureOptions { Repeats = 1, Images = Count, UploadImages = Images(), Rotations = Count + 1 };
        var e = await Assert.ThrowsAsync<ArgumentException>(() => runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options));
        Assert.Contains("rotations (7) must not exceed the uploaded images (6)", e.Message);
        e = await Assert.ThrowsAsync<ArgumentException>(() => runner.MeasureAsync(TinyNet.Design(), TinyNet.Network(), options with { Rotations = 0 }));
        Assert.Contains("rotations (0)", e.Message);
    }
}
