using Hass.Torch.Data;

namespace Hass.Torch.Tests;

public sealed class IdxFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hass-idx-").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static byte[] Pixels(int n) => Enumerable.Range(0, n * 4 * 4).Select(i => (byte)(i % 251)).ToArray();

    private string WriteSet(string name, int trainCount, int testCount, bool gzip)
    {
        var folder = Path.Combine(_dir, name);
        Directory.CreateDirectory(folder);
        var ext = gzip ? ".gz" : "";
        IdxFile.Write(Path.Combine(folder, "train-images-idx3-ubyte" + ext), [trainCount, 4, 4], Pixels(trainCount));
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte" + ext), [trainCount], Enumerable.Range(0, trainCount).Select(i => (byte)(i % 10)).ToArray());
        IdxFile.Write(Path.Combine(folder, "t10k-images-idx3-ubyte" + ext), [testCount, 4, 4], Pixels(testCount));
        IdxFile.Write(Path.Combine(folder, "t10k-labels-idx1-ubyte" + ext), [testCount], Enumerable.Range(0, testCount).Select(i => (byte)(i % 10)).ToArray());
        return folder;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsRawAndGzipFolders(bool gzip)
    {
        var ds = Datasets.OpenIdx("test", WriteSet(gzip ? "gz" : "raw", 30, 12, gzip));
        Assert.Equal(30, ds.Train.Count);
        Assert.Equal(12, ds.Test.Count);
        Assert.Equal(new Hass.Abstractions.TensorShape(1, 4, 4), ds.Train.Shape);
        Assert.Equal(7, ds.Train.Label(7));
        var pixels = new byte[16];
        ds.Train.ReadPixels(1, pixels);
        Assert.Equal(Pixels(2)[16..], pixels);
    }

    [Fact]
    public void TruncatedDataIsReported()
    {
        var bytes = File.ReadAllBytes(Path.Combine(WriteSet("t", 20, 5, false), "train-images-idx3-ubyte"));
        var e = Assert.Throws<DatasetException>(() => IdxFile.Parse(bytes[..^10], "train-images", 3));
        Assert.Contains("truncated", e.Message);
        Assert.Contains("train-images", e.Message);
    }

    [Fact]
    public void TrailingBytesBadMagicAndWrongDimensionsAreReported()
    {
        var bytes = File.ReadAllBytes(Path.Combine(WriteSet("m", 20, 5, false), "train-images-idx3-ubyte"));
        Assert.Contains("trailing", Assert.Throws<DatasetException>(() => IdxFile.Parse([.. bytes, 1, 2, 3], "x", 3)).Message);
        var badMagic = (byte[])bytes.Clone(); badMagic[0] = 0x50;
        Assert.Contains("magic", Assert.Throws<DatasetException>(() => IdxFile.Parse(badMagic, "x", 3)).Message);
        var badType = (byte[])bytes.Clone(); badType[2] = 0x0D;
        Assert.Contains("type", Assert.Throws<DatasetException>(() => IdxFile.Parse(badType, "x", 3)).Message);
        Assert.Contains("dimensions", Assert.Throws<DatasetException>(() => IdxFile.Parse(bytes, "x", 1)).Message);
        Assert.Contains("header", Assert.Throws<DatasetException>(() => IdxFile.Parse(bytes[..9], "x", 3)).Message);
    }

    [Fact]
    public void CorruptGzipIsReported()
    {
        var path = Path.Combine(WriteSet("g", 50, 5, true), "train-images-idx3-ubyte.gz");
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.Throws<DatasetException>(() => IdxFile.Read(path, 3));
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void MismatchedCountsAndMissingFilesAreReported()
    {
        var folder = WriteSet("c", 20, 5, false);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), [19], new byte[19]);
        Assert.Contains("19 labels", Assert.Throws<DatasetException>(() => Datasets.OpenIdx("c", folder)).Message);
        IdxFile.Write(Path.Combine(folder, "train-labels-idx1-ubyte"), [20], new byte[20]);
        File.Delete(Path.Combine(folder, "t10k-images-idx3-ubyte"));
        Assert.Contains("t10k-images-idx3-ubyte", Assert.Throws<DatasetException>(() => Datasets.OpenIdx("c", folder)).Message);
    }

    [Fact]
    public void MissingFashionMnistSaysHowToGetIt()
    {
        var e = Assert.Throws<DatasetException>(() => Datasets.Open("fashion-mnist", Path.Combine(_dir, "absent")));
        Assert.Contains("apt-get install dataset-fashion-mnist", e.Message);
    }

    [Fact]
    public void SplitsAreDeterministicAndDisjoint()
    {
        var ds = Datasets.OpenIdx("s", WriteSet("s", 100, 10, false));
        var a = new DataSplits(ds, heldOut: 20);
        var b = new DataSplits(ds, heldOut: 20);
        Assert.Equal(a.HeldOut.Indices, b.HeldOut.Indices);
        Assert.Equal(80, a.Train.Count);
        Assert.Empty(a.Train.Indices.Intersect(a.HeldOut.Indices));
        Assert.Equal(a.Train.Indices.Take(15), a.Calibration(15).Indices);
        Assert.Equal(a.HeldOut.Indices.Take(5), a.Search(5).Indices);
        Assert.Equal(10, a.Test.Count);
        Assert.Equal(a.HeldOut.Indices, a.SearchSplit.Indices);   // held out no more than the search split: no confirmation split
        Assert.Equal(0, a.ConfirmationSplit.Count);
    }

    [Fact]
    public void ALargerHeldOutAddsAConfirmationSplitAndKeepsTheSearchSplit()
    {
        var ds = Datasets.OpenIdx("c", WriteSet("c", 3000, 10, false));
        var small = new DataSplits(ds, heldOut: DataSplits.SearchSplitImages);
        var large = new DataSplits(ds, heldOut: 2600);
        Assert.Equal(small.SearchSplit.Indices, large.SearchSplit.Indices);           // the same 2,000 search images whatever is held out
        Assert.Equal(small.Search(7).Indices, large.Search(7).Indices);
        Assert.Equal(600, large.ConfirmationSplit.Count);
        Assert.Equal(400, large.Train.Count);
        Assert.Empty(large.ConfirmationSplit.Indices.Intersect(large.SearchSplit.Indices));
        Assert.Empty(large.ConfirmationSplit.Indices.Intersect(large.Train.Indices));
        Assert.Equal(large.HeldOut.Indices.Order(), large.ConfirmationSplit.Indices.Concat(large.SearchSplit.Indices).Order());
        Assert.Equal(large.ConfirmationSplit.Indices.Take(50), large.Confirmation(50).Indices);
        Assert.Equal(600, large.Confirmation(5000).Count);
        Assert.Equal(small.Train.Indices.Take(400), large.Train.Indices);              // a prefix of the same permutation
    }

    [Fact]
    public void ALargerSearchSplitKeepsItsFirstImagesAndTakesTheConfirmationSplitsLast()
    {
        var ds = Datasets.OpenIdx("l", WriteSet("l", 3000, 10, false));
        var standard = new DataSplits(ds, heldOut: 2600);
        var larger = new DataSplits(ds, heldOut: 2600, searchSplitImages: 2250);
        Assert.Equal(2250, larger.SearchSplit.Count);
        Assert.Equal(standard.SearchSplit.Indices, larger.SearchSplit.Indices.Take(DataSplits.SearchSplitImages));
        Assert.Equal(standard.ConfirmationSplit.Indices.Take(350), larger.ConfirmationSplit.Indices);
        Assert.Equal(standard.ConfirmationSplit.Indices.Skip(350), larger.SearchSplit.Indices.Skip(DataSplits.SearchSplitImages));
        Assert.Equal(larger.HeldOut.Indices.Order(), larger.ConfirmationSplit.Indices.Concat(larger.SearchSplit.Indices).Order());
        Assert.Equal(standard.Train.Indices, larger.Train.Indices);
        Assert.Equal(0, new DataSplits(ds, heldOut: 2600, searchSplitImages: 2600).ConfirmationSplit.Count);
    }

    [Fact]
    public void ImageFolderReadsNetpbmClasses()
    {
        var root = Path.Combine(_dir, "folder");
        foreach (var cls in new[] { "cat", "dog" })
        {
            Directory.CreateDirectory(Path.Combine(root, "train", cls));
            var header = System.Text.Encoding.ASCII.GetBytes("P6\n# test\n4 2\n255\n");
            var pixels = Enumerable.Range(0, 4 * 2 * 3).Select(i => (byte)(cls == "cat" ? i : 200)).ToArray();
            File.WriteAllBytes(Path.Combine(root, "train", cls, "a.ppm"), [.. header, .. pixels]);
        }
        var ds = Datasets.Open("imagefolder", root, new Hass.Abstractions.TensorShape(3, 2, 2));
        Assert.Equal(2, ds.Train.Count);
        Assert.Equal(1, ds.Train.Label(1));
        var buffer = new byte[12];
        ds.Train.ReadPixels(1, buffer);
        Assert.All(buffer, b => Assert.Equal(200, b));
        File.WriteAllBytes(Path.Combine(root, "train", "dog", "b.ppm"), System.Text.Encoding.ASCII.GetBytes("P6\n4 2\n255\n\x01\x02"));
        var broken = Datasets.Open("imagefolder", root, new Hass.Abstractions.TensorShape(3, 2, 2));
        Assert.Contains("truncated", Assert.Throws<DatasetException>(() => broken.Train.ReadPixels(2, buffer)).Message);
    }

    /// <summary>
    /// Preprocessing resize: the shorter side goes to N pixels, then the centre crop (8×8 → 4×4 → the middle 2×2). The
    /// figures are Pillow 9.4's bilinear resize of the same image (ImageFolderFormatsTests compares whole images).
    /// </summary>
    [Fact]
    public void ImageFolderResizesTheShorterSideBeforeTheCentreCrop()
    {
        var root = Path.Combine(_dir, "resize");
        Directory.CreateDirectory(Path.Combine(root, "train", "only"));
        var pixels = Enumerable.Range(0, 64).Select(i => (byte)(i / 8 * 10 + i % 8)).ToArray();   // row·10 + column
        File.WriteAllBytes(Path.Combine(root, "train", "only", "a.pgm"), [.. System.Text.Encoding.ASCII.GetBytes("P5\n8 8\n255\n"), .. pixels]);
        var shape = new Hass.Abstractions.TensorShape(1, 2, 2);
        var buffer = new byte[4];
        Datasets.Open("imagefolder", root, shape).Train.ReadPixels(0, buffer);
        Assert.Equal([21, 24, 53, 56], buffer);   // the whole image scaled to 2×2
        Datasets.Open("imagefolder", root, shape, resize: 4).Train.ReadPixels(0, buffer);
        Assert.Equal([28, 30, 48, 50], buffer);   // scaled to 4×4, the middle 2×2 kept
        Assert.Contains("smaller than the 2x2 crop", Assert.Throws<DatasetException>(() => Datasets.Open("imagefolder", root, shape, resize: 1)).Message);
    }
}
