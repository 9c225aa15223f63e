using Hass.Abstractions;

namespace Hass.Torch.Data;

/// <summary>A source's images, then each of them mirrored left to right: image <c>Count/2 + i</c> is image i flipped horizontally.</summary>
public sealed class MirroredImageSource : ImageSource
{
    private readonly ImageSource _source;

    public MirroredImageSource(ImageSource source) => _source = source;

    public override string Name => _source.Name + " with mirrors";
    public override int Count => 2 * _source.Count;
    public override TensorShape Shape => _source.Shape;
    public override int Classes => _source.Classes;
    public override int Label(int index) => _source.Label(index % _source.Count);

    public override void ReadPixels(int index, Span<byte> destination)
    {
        _source.ReadPixels(index % _source.Count, destination);
        if (index < _source.Count) return;
        int cols = Shape.Cols;
        for (int row = 0; row < destination.Length / cols; row++) destination.Slice(row * cols, cols).Reverse();
    }

    /// <summary>The images of <paramref name="set"/>, each followed by its mirror image.</summary>
    public static ImageSet Interleaved(ImageSet set, string name)
    {
        var source = new MirroredImageSource(set.Source);
        var indices = new int[2 * set.Count];
        for (int i = 0; i < set.Count; i++) (indices[2 * i], indices[2 * i + 1]) = (set.Indices[i], set.Indices[i] + set.Source.Count);
        return new ImageSet(name, source, indices);
    }
}
