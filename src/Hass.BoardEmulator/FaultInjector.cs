using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>Seeded byte-level faults: each byte is dropped with DropRate, else has one bit flipped with CorruptRate.</summary>
public sealed class FaultInjector(double corruptRate, double dropRate, ulong seed)
{
    private readonly SplitMix64 _rng = new(seed);
    private readonly object _gate = new();

    public long BytesCorrupted { get; private set; }
    public long BytesDropped { get; private set; }
    public bool Active => corruptRate > 0 || dropRate > 0;

    public byte[] Apply(ReadOnlySpan<byte> data)
    {
        if (!Active) return data.ToArray();
        lock (_gate)
        {
            var output = new List<byte>(data.Length);
            foreach (byte b in data)
            {
                if (dropRate > 0 && _rng.NextDouble() < dropRate) { BytesDropped++; continue; }
                if (corruptRate > 0 && _rng.NextDouble() < corruptRate) { BytesCorrupted++; output.Add((byte)(b ^ (1 << (int)(_rng.Next() % 8)))); continue; }
                output.Add(b);
            }
            return output.ToArray();
        }
    }
}
