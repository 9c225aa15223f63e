using Hass.Abstractions;
using Hass.Torch.Data;

namespace Hass.Torch.Tests;

/// <summary>Decoded images of an image folder kept in memory up to a budget, so later passes skip the files.</summary>
public sealed class KeptImageSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hass-kept-").FullName;
    private static readonly TensorShape Shape = new(1, 2, 2);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void An_image_read_once_is_read_again_from_memory_within_the_budget_and_from_its_file_past_it()
    {
        var first = Write("a.pgm", [10, 20, 30, 40]);
        var second = Write("b.pgm", [50, 60, 70, 80]);
        var kept = new KeptImageSource(new ImageFolderSource(Path.Combine(_dir, "train"), Shape), budgetBytes: 4);
        Assert.Equal([10, 20, 30, 40], Read(kept, 0));
        Assert.Equal([50, 60, 70, 80], Read(kept, 1));
        Assert.Equal(4, kept.KeptBytes);

        File.Delete(first);
        File.Delete(second);
        Assert.Equal([10, 20, 30, 40], Read(kept, 0));
        var message = Assert.Throws<DatasetException>(() => Read(kept, 1)).Message;
        Assert.StartsWith($"image '{second}' cannot be read: ", message);
    }

    [Fact]
    public void Datasets_keep_an_image_folders_images_by_default()
    {
        var file = Write("a.pgm", [1, 2, 3, 4]);
        var dataset = Datasets.Open("imagefolder", _dir, Shape);
        Assert.Equal([1, 2, 3, 4], Read(dataset.Train, 0));
        File.Delete(file);
        Assert.Equal([1, 2, 3, 4], Read(dataset.Train, 0));
    }

    [Theory]
    [InlineData(null, 512L << 20)]
    [InlineData("", 512L << 20)]
    [InlineData("0", 0L)]
    [InlineData("2048", 2048L << 20)]
    public void The_budget_comes_from_the_environment_in_megabytes(string? text, long bytes) => Assert.Equal(bytes, KeptImageSource.BudgetBytes(text));

    [Theory]
    [InlineData("-1")]
    [InlineData("lots")]
    [InlineData("1.5")]
    public void A_budget_that_is_not_a_whole_number_of_megabytes_is_refused_naming_the_variable(string text)
    {
        var message = Assert.Throws<DatasetException>(() => KeptImageSource.BudgetBytes(text)).Message;
        Assert.StartsWith($"HASS_IMAGE_CACHE_MB: must be a whole number of megabytes in [0, {1L << 30}] (got '{text}')", message);
    }

    private string Write(string file, byte[] pixels)
    {
        Directory.CreateDirectory(Path.Combine(_dir, "train", "only"));
        var path = Path.Combine(_dir, "train", "only", file);
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes("P5\n2 2\n255\n"), .. pixels]);
        return path;
    }

    private static byte[] Read(ImageSource source, int index)
    {
        var buffer = new byte[4];
        source.ReadPixels(index, buffer);
        return buffer;
    }
}
