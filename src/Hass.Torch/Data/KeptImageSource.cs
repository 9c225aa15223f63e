using Hass.Abstractions;

namespace Hass.Torch.Data;

/// <summary>
/// A source whose images are kept in memory, as the network takes them, once read, up to a byte budget: every trial of a
/// campaign scores the same search split, so on an image folder only the first pass decodes and resizes its files (3.4 ms
/// a 500×375 JPEG here, a ninth of a MobileNetV3-Small pass; bench/results/models.md). Images past the budget are read each time.
/// Safe to read from several threads: two that read the same new image may both decode it.
/// </summary>
public sealed class KeptImageSource : ImageSource
{
    /// <summary>Megabytes of decoded images a process keeps per image folder split; 0 keeps none.</summary>
    public const string BudgetVariable = "HASS_IMAGE_CACHE_MB";
    public const long DefaultBudgetMegabytes = 512;

    private readonly ImageSource _source;
    private readonly byte[]?[] _kept;
    private readonly long _budget;
    private long _keptBytes;

    public KeptImageSource(ImageSource source, long budgetBytes)
    {
        _source = source;
        _kept = new byte[]?[source.Count];
        _budget = budgetBytes;
    }

    /// <summary>The budget <see cref="BudgetVariable"/> gives (default <see cref="DefaultBudgetMegabytes"/> MB); a value that is not a whole number ≥ 0 is refused naming it.</summary>
    public static long BudgetBytes() => BudgetBytes(Environment.GetEnvironmentVariable(BudgetVariable));

    internal static long BudgetBytes(string? text)
    {
        if (string.IsNullOrEmpty(text)) return DefaultBudgetMegabytes << 20;
        return long.TryParse(text, out var megabytes) && megabytes is >= 0 and <= 1L << 30
            ? megabytes << 20
            : throw new DatasetException($"{BudgetVariable}: must be a whole number of megabytes in [0, {1L << 30}] (got '{text}'); 0 keeps no image in memory");
    }

    public long KeptBytes => Interlocked.Read(ref _keptBytes);
    public override string Name => _source.Name;
    public override int Count => _source.Count;
    public override TensorShape Shape => _source.Shape;
    public override int Classes => _source.Classes;
    public override int Label(int index) => _source.Label(index);

    public override void ReadPixels(int index, Span<byte> destination)
    {
        if (Volatile.Read(ref _kept[index]) is { } kept)
        {
            kept.CopyTo(destination);
            return;
        }
        _source.ReadPixels(index, destination);
        long size = destination.Length;
        if (Interlocked.Add(ref _keptBytes, size) <= _budget) Volatile.Write(ref _kept[index], destination.ToArray());
        else Interlocked.Add(ref _keptBytes, -size);
    }
}
