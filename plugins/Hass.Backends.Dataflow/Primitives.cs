namespace Hass.Backends.Dataflow;

/// <summary>Bit widths of the design (fpgaConvNet defaults used by HASS: 16-bit data and weights, 32-bit accumulators).</summary>
public static class Widths
{
    public const int Data = 16;
    public const int Weight = 16;
    public const int Accumulator = 32;
}

/// <summary>
/// The exact resource primitives of the fpgaConvNet model (cost-model §2.1), plus the LUTRAM cost of small memories
/// that the reference counts as free (README deviations).
/// </summary>
public static class ResourcePrimitives
{
    /// <summary>LUTs that replace one BRAM18 when memory moves to distributed RAM (18 Kb / 64 b per LUT).</summary>
    public const double LutsPerBram18 = 288;

    private static readonly int[] BramWidths = [1, 2, 4, 9, 18, 36];
    private static readonly int[] BramDepths = [16384, 8192, 4096, 2048, 1024, 512];
    private static readonly int[] UramWidths = [1, 2, 4, 9, 18, 36, 72];
    private static readonly int[] UramDepths = [262144, 131072, 65536, 32768, 16384, 8192, 4096];

    /// <summary>DSP slices of one a×b multiplier: ceil(a/18)·ceil(b/27).</summary>
    public static int DspPerMultiplier(int a, int b) => CeilDiv(a, 18) * CeilDiv(b, 27);

    /// <summary>Packing of narrow multipliers into one DSP: ×0.25 for ≤4-bit operands, ×0.5 for ≤8-bit, else 1.</summary>
    public static double NarrowMultiplierScale(int dataWidth, int weightWidth) =>
        dataWidth <= 4 && weightWidth <= 4 ? 0.25 : dataWidth <= 8 && weightWidth <= 8 ? 0.5 : 1.0;

    /// <summary>BRAM18 blocks of a RAM of depth×width bits; 0 when depth·width &lt; 1024 (it then belongs in LUTRAM).</summary>
    public static long BramMemory(long depth, long width) =>
        depth <= 0 || width <= 0 || depth * width < 1024 ? 0 : BramArray(depth, width);

    /// <summary>BRAM18 blocks of a FIFO; 0 when depth·width ≤ 1024 or depth ≤ 32 (it then belongs in LUTRAM).</summary>
    public static long BramFifo(long depth, long width) =>
        depth <= 0 || width <= 0 || depth * width <= 1024 || depth <= 32 ? 0 : BramArray(depth, width);

    private static long BramArray(long depth, long width)
    {
        long capped = Math.Min(width, 36);
        int i = 0;
        while (BramWidths[i] < capped) i++;
        return CeilDiv(width, BramWidths[i]) * CeilDiv(depth, BramDepths[i]);
    }

    /// <summary>URAM (288 Kb) blocks of a RAM of depth×width bits.</summary>
    public static long UramArray(long depth, long width)
    {
        if (depth <= 0 || width <= 0) return 0;
        long capped = Math.Min(width, 72);
        int i = 0;
        while (UramWidths[i] < capped) i++;
        return CeilDiv(width, UramWidths[i]) * CeilDiv(depth, UramDepths[i]);
    }

    /// <summary>LUTs of a LUTRAM queue (fpgaConvNet's lutram model): SRL32/64-based FIFO.</summary>
    public static long LutramQueue(long depth, long width)
    {
        if (depth <= 0 || width <= 0) return 0;
        long d = depth is 32 or 64 ? depth : depth > 64 ? 64 : depth <= 32 ? 32 : 64;
        long w = d == 32 ? 16 : 8;
        return CeilDiv(width + 1, w) * CeilDiv(depth, d);
    }

    /// <summary>LUTs of a distributed RAM (one LUT6 = 64×1 bit): ceil(depth/64)·width. Used where a memory is too small for BRAM.</summary>
    public static long LutramMemory(long depth, long width) =>
        depth <= 0 || width <= 0 ? 0 : CeilDiv(depth, 64) * width;

    /// <summary>Bits needed to count to n: ceil(log2 n), computed exactly in integers (int2bits(1) = 0).</summary>
    public static int Int2Bits(long n) => n <= 1 ? 0 : 64 - System.Numerics.BitOperations.LeadingZeroCount((ulong)(n - 1));

    public static long CeilDiv(long a, long b) => (a + b - 1) / b;
    public static int CeilDiv(int a, int b) => (a + b - 1) / b;

    public static long Gcd(long a, long b) { while (b != 0) (a, b) = (b, a % b); return a; }
    public static long Lcm(long a, long b) => a / Gcd(a, b) * b;

    /// <summary>Divisors of n in ascending order.</summary>
    public static int[] Divisors(int n)
    {
        if (n <= 0) return [1];
        var low = new List<int>();
        var high = new List<int>();
        for (int d = 1; (long)d * d <= n; d++)
        {
            if (n % d != 0) continue;
            low.Add(d);
            if (d != n / d) high.Add(n / d);
        }
        high.Reverse();
        low.AddRange(high);
        return low.ToArray();
    }
}
