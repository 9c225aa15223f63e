using Hass.Abstractions;
using Hass.Torch.Models;
using Hass.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Data;

/// <summary>Where images come from: 8-bit pixels, channel-major (C×H×W), and integer labels.</summary>
public abstract class ImageSource
{
    public abstract string Name { get; }
    public abstract int Count { get; }
    public abstract TensorShape Shape { get; }
    public abstract int Classes { get; }
    public abstract int Label(int index);
    public abstract void ReadPixels(int index, Span<byte> destination);
}

/// <summary>Images held in memory (IDX datasets, tests).</summary>
public sealed class InMemoryImageSource : ImageSource
{
    private readonly byte[] _pixels;
    private readonly int[] _labels;

    public InMemoryImageSource(string name, TensorShape shape, byte[] pixels, int[] labels, int classes)
    {
        if (pixels.LongLength != shape.Elements * labels.Length)
            throw new DatasetException($"{name}: {pixels.LongLength} pixel bytes do not make {labels.Length} images of {shape}");
        foreach (var l in labels)
            if (l < 0 || l >= classes) throw new DatasetException($"{name}: label {l} outside 0..{classes - 1}");
        Name = name; Shape = shape; _pixels = pixels; _labels = labels; Classes = classes;
    }

    public override string Name { get; }
    public override int Count => _labels.Length;
    public override TensorShape Shape { get; }
    public override int Classes { get; }
    public override int Label(int index) => _labels[index];
    public override void ReadPixels(int index, Span<byte> destination) =>
        _pixels.AsSpan((int)(index * Shape.Elements), (int)Shape.Elements).CopyTo(destination);
}

/// <summary>
/// Per-channel normalisation: pixels scaled to [0, <see cref="Range"/>] (default [0, 1]), then (x − mean) / std.
/// </summary>
public sealed record Normalisation(float[] Mean, float[] Std, double Range = 1)
{
    /// <summary>The model's own normalisation with the members a <see cref="PreprocessSpec"/> sets replaced; a ModelException when its channel counts do not fit the model.</summary>
    public static Normalisation For(ModelInfo info, PreprocessSpec? preprocess)
    {
        if (preprocess is null) return new Normalisation(info.Mean, info.Std);
        int channels = info.InputShape.Channels;
        foreach (var (name, values) in new[] { ("mean", preprocess.Mean), ("std", preprocess.Std) })
            if (values is not null && values.Length != 1 && values.Length != channels)
                throw new ModelException($"preprocess {name} has {values.Length} values for a {channels}-channel input: give one value, or one per channel");
        return new Normalisation(preprocess.Mean ?? info.Mean, preprocess.Std ?? info.Std, preprocess.Range);
    }

    public Tensor Apply(Tensor pixelsUint8)
    {
        using var maxPixel = ((float)(255 / Range)).ToScalar();   // explicit Scalars: see ActivationSite.forward
        var x = pixelsUint8.to_type(ScalarType.Float32).div_(maxPixel);
        long c = x.shape[1];
        using var mean = tensor(Mean.Length == 1 ? Enumerable.Repeat(Mean[0], (int)c).ToArray() : Mean).reshape(1, c, 1, 1);
        using var std = tensor(Std.Length == 1 ? Enumerable.Repeat(Std[0], (int)c).ToArray() : Std).reshape(1, c, 1, 1);
        return x.sub_(mean).div_(std);
    }
}

/// <summary>An ordered selection of images of a source (a split). Cheap: holds indices only.</summary>
public sealed class ImageSet
{
    private readonly int[] _indices;

    public ImageSet(string name, ImageSource source, int[]? indices = null)
    {
        Name = name;
        Source = source;
        _indices = indices ?? Enumerable.Range(0, source.Count).ToArray();
    }

    public string Name { get; }
    public ImageSource Source { get; }
    public int Count => _indices.Length;
    public TensorShape Shape => Source.Shape;
    public IReadOnlyList<int> Indices => _indices;

    public ImageSet Take(int count, string? name = null)
    {
        if (count > Count) throw new DatasetException($"split '{Name}' has {Count} images; {count} were asked for");
        return new ImageSet(name ?? Name, Source, _indices[..count]);
    }

    public ImageSet Slice(int start, int count, string name) => new(name, Source, _indices.AsSpan(start, count).ToArray());

    /// <summary>The same images in the order <paramref name="order"/> gives (positions in this set), e.g. a shuffle for training.</summary>
    public ImageSet Reordered(int[] order, string name) => new(name, Source, order.Select(i => _indices[i]).ToArray());

    public int Label(int position) => Source.Label(_indices[position]);

    /// <summary>Pixels of images [start, start+count) as a uint8 N×C×H×W tensor, and their labels (int64).</summary>
    public (Tensor Pixels, Tensor Labels) Batch(int start, int count)
    {
        var shape = Shape;
        var pixels = new byte[count * shape.Elements];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int index = _indices[start + i];
            Source.ReadPixels(index, pixels.AsSpan((int)(i * shape.Elements), (int)shape.Elements));
            labels[i] = Source.Label(index);
        }
        return (tensor(pixels, new long[] { count, shape.Channels, shape.Rows, shape.Cols }), tensor(labels));
    }

    /// <summary>Normalised float images of [start, start+count) and their labels.</summary>
    public (Tensor Images, Tensor Labels) NormalisedBatch(int start, int count, Normalisation normalisation)
    {
        var (pixels, labels) = Batch(start, count);
        using (pixels) return (normalisation.Apply(pixels), labels);
    }
}
