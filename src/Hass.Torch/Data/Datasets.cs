using Hass.Abstractions;

namespace Hass.Torch.Data;

/// <summary>A dataset with its training and test parts, and an identity string for cache keys.</summary>
public sealed record LabelledDataset(string Name, ImageSource Train, ImageSource Test, string Identity);

/// <summary>
/// Deterministic splits of a dataset: the training set is permuted with a fixed seed; the last
/// <c>heldOut</c> images of that permutation are held out (never trained on), the rest is the training split,
/// whose first images are the calibration images used for sparsity profiles. The held-out images are two
/// disjoint parts: the search split (scores every trial) and, before it in the permutation, the confirmation
/// split (re-scores the few finalists of a campaign). The search split is the last
/// <see cref="SearchSplitImages"/> images of the permutation; a larger one (<c>searchSplitImages</c>) adds the
/// images just before them after those, so its first 2,000 never change and the confirmation split only loses
/// its last images. The test set is kept whole for final reporting.
/// </summary>
public sealed class DataSplits
{
    /// <summary>Held-out count for models without a HASS training recipe (no confirmation split).</summary>
    public const int DefaultHeldOut = 2000;
    /// <summary>Default size of the search split, the last images of the permutation (the same images whatever is held out).</summary>
    public const int SearchSplitImages = 2000;
    public const int SplitSeed = 20240603;

    public DataSplits(LabelledDataset dataset, int heldOut = DefaultHeldOut, int searchSplitImages = SearchSplitImages)
    {
        var n = dataset.Train.Count;
        if (heldOut <= 0 || heldOut >= n)
            throw new DatasetException($"{dataset.Name}: cannot hold {heldOut} images out of a training set of {n}");
        if (searchSplitImages < SearchSplitImages)
            throw new ArgumentOutOfRangeException(nameof(searchSplitImages), $"the search split has at least {SearchSplitImages} images (got {searchSplitImages})");
        var order = Enumerable.Range(0, n).ToArray();
        new Random(SplitSeed).Shuffle(order);
        int confirmationEnd = n - heldOut + ConfirmationImagesOf(heldOut, searchSplitImages);
        int defaultSearchStart = n - Math.Min(SearchSplitImages, heldOut);
        Dataset = dataset;
        Train = new ImageSet("train", dataset.Train, order[..(n - heldOut)]);
        HeldOut = new ImageSet("held-out", dataset.Train, order[(n - heldOut)..]);
        SearchSplit = new ImageSet("search", dataset.Train, [.. order[defaultSearchStart..], .. order[confirmationEnd..defaultSearchStart]]);
        ConfirmationSplit = new ImageSet("confirmation", dataset.Train, order[(n - heldOut)..confirmationEnd]);
        Test = new ImageSet("test", dataset.Test);
    }

    /// <summary>Images of the confirmation split when <paramref name="heldOut"/> images are held out: those a search split of <paramref name="searchSplitImages"/> leaves.</summary>
    public static int ConfirmationImagesOf(int heldOut, int searchSplitImages = SearchSplitImages) => heldOut - Math.Min(searchSplitImages, heldOut);

    public LabelledDataset Dataset { get; }
    public ImageSet Train { get; }
    /// <summary>Every image held out of training: the confirmation split followed by the search split.</summary>
    public ImageSet HeldOut { get; }
    /// <summary>Scores every trial of a search (<see cref="SearchSplitImages"/> images or the larger size asked for, fewer when less is held out).</summary>
    public ImageSet SearchSplit { get; }
    /// <summary>Held out, disjoint from the search split: re-scores a campaign's finalists; empty when only the search split is held out.</summary>
    public ImageSet ConfirmationSplit { get; }
    public ImageSet Test { get; }

    public ImageSet Search(int images) => SearchSplit.Take(Math.Min(images, SearchSplit.Count), "search");
    public ImageSet Confirmation(int images) => ConfirmationSplit.Take(Math.Min(images, ConfirmationSplit.Count), "confirmation");
    public ImageSet Calibration(int images) => Train.Take(images, "calibration");
}

/// <summary>Opens datasets by name: fashion-mnist (default), mnist/kmnist/idx (IDX folders), imagefolder.</summary>
public static class Datasets
{
    public const string FashionMnistDefaultPath = "/usr/share/datasets/fashion-mnist";
    public const string FashionMnistPathVariable = "HASS_FASHION_MNIST";

    /// <summary>
    /// Where Fashion-MNIST is found when no folder is given: the Debian package's folder when it holds files, else the
    /// download cache of <see cref="FashionMnistDownload"/> when it is complete; null when neither.
    /// </summary>
    public static string? FindFashionMnist()
    {
        if (Directory.Exists(FashionMnistDefaultPath) && Directory.EnumerateFiles(FashionMnistDefaultPath).Any()) return FashionMnistDefaultPath;
        return FashionMnistDownload.IsComplete(FashionMnistDownload.CacheFolder) ? FashionMnistDownload.CacheFolder : null;
    }

    /// <param name="resize">Image folders: the shorter side is resized to this before the centre crop (<see cref="PreprocessSpec.Resize"/>).</param>
    public static LabelledDataset Open(string name, string? path, TensorShape? imageShape = null, int? resize = null)
    {
        bool imageFolder = name.ToLowerInvariant() is "imagefolder" or "imagenet";
        if (resize is not null && !imageFolder)
            throw new DatasetException($"preprocess resize={resize} applies to image folders only (dataset imagefolder/imagenet), not to '{name}'");
        if (resize is { } r && imageShape is not null && r < Math.Max(imageShape.Rows, imageShape.Cols))
            throw new DatasetException($"preprocess resize={r} is smaller than the {imageShape.Rows}x{imageShape.Cols} crop the model takes: give at least {Math.Max(imageShape.Rows, imageShape.Cols)}");
        switch (name.ToLowerInvariant())
        {
            case "fashion-mnist":
            case "fmnist":
                {
                    var folder = path ?? Environment.GetEnvironmentVariable(FashionMnistPathVariable) ?? FindFashionMnist() ?? FashionMnistDefaultPath;
                    if (!Directory.Exists(folder))
                        throw new DatasetException($"Fashion-MNIST not found at '{folder}'. Install it with `apt-get install dataset-fashion-mnist` " +
                            $"(Debian/Ubuntu, files in {FashionMnistDefaultPath}), or fetch it with `hass dataset fetch` (checksummed download into " +
                            $"{FashionMnistDownload.CacheFolder}), or give the folder holding train-images-idx3-ubyte[.gz], " +
                            $"train-labels-idx1-ubyte[.gz], t10k-images-idx3-ubyte[.gz] and t10k-labels-idx1-ubyte[.gz] (--data DIR or ${FashionMnistPathVariable}).");
                    return OpenIdx("fashion-mnist", folder);
                }
            case "mnist":
            case "kmnist":
            case "idx":
                if (path is null) throw new DatasetException($"dataset '{name}' needs a folder of IDX files: give it with --data DIR (datasetPath in a campaign)");
                return OpenIdx(name.ToLowerInvariant(), path);
            case "imagefolder":
            case "imagenet":
                if (path is null) throw new DatasetException($"dataset '{name}' needs a folder with train/ and val/ subfolders of class folders: give it with --data DIR");
                if (imageShape is null) throw new DatasetException($"dataset '{name}' needs the model's input shape to resize images");
                var train = Path.Combine(path, "train");
                var val = Path.Combine(path, "val");
                var budget = KeptImageSource.BudgetBytes();
                var trainFolder = new ImageFolderSource(Directory.Exists(train) ? train : path, imageShape, null, resize);
                var trainSource = new KeptImageSource(trainFolder, budget);
                ImageSource testSource = Directory.Exists(val) ? new KeptImageSource(new ImageFolderSource(val, imageShape, trainFolder.ClassNames, resize), budget) : trainSource;
                return new LabelledDataset(name.ToLowerInvariant(), trainSource, testSource,
                    $"imagefolder:{Path.GetFullPath(path)}:{trainSource.Count}:{testSource.Count}" + (resize is null ? "" : $":resize{resize}") + ":bilinear");
            default:
                throw new DatasetException($"unknown dataset '{name}': use fashion-mnist, mnist, kmnist, idx (with a folder) or imagefolder (with a folder)");
        }
    }

    /// <summary>Reads the four IDX files of an MNIST-style folder (raw or .gz).</summary>
    public static LabelledDataset OpenIdx(string name, string folder)
    {
        string Find(string stem)
        {
            foreach (var candidate in new[] { stem, stem + ".gz", stem.Replace("-idx", ".idx"), stem.Replace("-idx", ".idx") + ".gz" })
            {
                var p = Path.Combine(folder, candidate);
                if (File.Exists(p)) return p;
            }
            throw new DatasetException($"{name}: '{stem}' (or '{stem}.gz') is missing in '{folder}'");
        }
        var train = Load(name + "/train", Find("train-images-idx3-ubyte"), Find("train-labels-idx1-ubyte"));
        var test = Load(name + "/test", Find("t10k-images-idx3-ubyte"), Find("t10k-labels-idx1-ubyte"));
        var identity = $"{name}:{train.Count}:{test.Count}:{LabelChecksum(train)}:{LabelChecksum(test)}";
        return new LabelledDataset(name, train, test, identity);
    }

    private static InMemoryImageSource Load(string name, string imagesPath, string labelsPath)
    {
        var images = IdxFile.Read(imagesPath, 3);
        var labels = IdxFile.Read(labelsPath, 1);
        if (images.Count != labels.Count)
            throw new DatasetException($"{name}: '{imagesPath}' holds {images.Count} images but '{labelsPath}' holds {labels.Count} labels; one file is from another set");
        int classes = labels.Data.Max() + 1;
        if (classes > 256) throw new DatasetException($"{name}: labels in '{labelsPath}' exceed 255");
        var shape = new TensorShape(1, images.Dimensions[1], images.Dimensions[2]);
        return new InMemoryImageSource(name, shape, images.Data, labels.Data.Select(b => (int)b).ToArray(), Math.Max(classes, 10));
    }

    private static string LabelChecksum(ImageSource source)
    {
        var labels = new byte[source.Count];
        for (int i = 0; i < labels.Length; i++) labels[i] = (byte)source.Label(i);
        return Hashing.Sha256Hex(labels)[..16];
    }
}
