namespace Hass.Search.Core;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Every random decision of a strategy draws from an Rng derived
/// from (seed, trial number, stream), never from a long-lived generator, so a replayed campaign reproduces
/// each suggestion exactly, whatever happened before it.
/// </summary>
public sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;
    private double? _spareNormal;

    public Rng(ulong seed)
    {
        var sm = seed;
        _s0 = SplitMix(ref sm); _s1 = SplitMix(ref sm); _s2 = SplitMix(ref sm); _s3 = SplitMix(ref sm);
    }

    /// <summary>A generator for one (seed, key…) combination, independent of every other combination.</summary>
    public static Rng For(int seed, params long[] keys)
    {
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)(uint)seed;
        h = Mix(h);
        foreach (var k in keys) h = Mix(h ^ (ulong)k * 0xD1B54A32D192ED03UL + 0x632BE59BD9B4E019UL);
        return new Rng(h);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        return Mix(x);
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3; _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in (0, 1): safe for logarithms and inverse CDFs.</summary>
    public double NextOpenDouble() => ((NextULong() >> 11) + 0.5) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n)
    {
        if (n <= 0) throw new ArgumentOutOfRangeException(nameof(n), "the range of a random integer must be positive");
        return (int)(NextDouble() * n) is var i && i < n ? i : n - 1;
    }

    public double NextNormal()
    {
        if (_spareNormal is { } spare) { _spareNormal = null; return spare; }
        var u = NextOpenDouble();
        var v = NextDouble();
        var r = Math.Sqrt(-2 * Math.Log(u));
        _spareNormal = r * Math.Sin(2 * Math.PI * v);
        return r * Math.Cos(2 * Math.PI * v);
    }

    /// <summary>Index drawn with probability proportional to <paramref name="weights"/> (non-negative).</summary>
    public int Choose(ReadOnlySpan<double> weights)
    {
        double total = 0;
        foreach (var w in weights) total += w;
        var target = NextDouble() * total;
        double acc = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            acc += weights[i];
            if (target < acc) return i;
        }
        return weights.Length - 1;
    }

    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
