using static Hass.Backends.Dataflow.ResourcePrimitives;

namespace Hass.Backends.Dataflow;

/// <summary>Resources of the building blocks layers are made of: memories, FIFOs, sliding windows, squeezes.</summary>
public static class HardwareBlocks
{
    /// <summary>Memories this shallow are distributed RAM (one LUT per bit of width), as synthesis maps them.</summary>
    public const long MaxLutramDepth = 64;

    /// <summary>
    /// A RAM of depth×width bits: URAM if asked, else BRAM18, else distributed LUTRAM when it is too small for a block
    /// (under 1024 bits) or at most <see cref="MaxLutramDepth"/> deep (a shallow, wide memory would waste a BRAM18
    /// per 36 bits of width).
    /// </summary>
    public static Resources Memory(long depth, long width, bool uram, long lutramMaxDepth = MaxLutramDepth)
    {
        if (depth <= 0 || width <= 0) return default;
        if (uram) return new Resources(0, 0, UramArray(depth, width), 0, 0);
        long bram = depth <= lutramMaxDepth ? 0 : BramMemory(depth, width);
        return bram > 0 ? new Resources(0, bram, 0, 0, 0) : new Resources(0, 0, 0, LutramMemory(depth, width), 0);
    }

    /// <summary>A FIFO of depth×width bits: BRAM18 when large enough, else a LUTRAM queue.</summary>
    public static Resources Fifo(long depth, long width)
    {
        if (depth <= 0 || width <= 0) return default;
        long bram = BramFifo(depth, width);
        return bram > 0 ? new Resources(0, bram, 0, 0, 0) : new Resources(0, 0, 0, LutramQueue(depth, width), 0);
    }

    /// <summary>Sliding window with <paramref name="st"/> streams: line buffers, window buffers, frame registers.</summary>
    public static Resources SlidingWindow(int st, long channelsPerStream, int paddedCols, int kh, int kw, int dataBits = Widths.Data)
    {
        if (kh * kw == 1) return default;
        var r = new Resources();
        if (kh > 1) r += Fifo(channelsPerStream * paddedCols, (long)(kh - 1) * st * dataBits);
        if (kw > 1) r += Fifo(channelsPerStream, (long)(kw - 1) * st * dataBits).Times(kh);
        r.Lut += kh * kw * LutramQueue(2, (long)st * dataBits);
        r.Lut += (double)st * dataBits * (6.5 + 3.9 * (kh - 1) + 2.5 * kh * (kw - 1));
        r.Ff += 21.0 * Int2Bits(channelsPerStream) + (double)st * dataBits * (5.2 * (kh - 1) + 3.4 * kh * (kw - 1));
        return r;
    }

    /// <summary>Squeeze of K window words down to <paramref name="fine"/> per cycle (buffer of lcm(K, fine) words).</summary>
    public static Resources Squeeze(int st, int kernel, int fine, int dataBits = Widths.Data)
    {
        long buffer = Lcm(kernel, fine);
        return new Resources(0, 0, 0, 2.2 * st * dataBits * buffer + 236.0 * kernel + 3.3 * st * dataBits * fine, 16.0 * buffer + 3.5 * st * dataBits * fine + 1085);
    }

    /// <summary>Stream-width converter inserted between mismatched stream counts (and at partition I/O).</summary>
    public static Resources StreamSqueeze(int from, int to, int dataBits = Widths.Data) =>
        from == to ? default : new Resources(0, 0, 0, (double)dataBits * (from + to), 2.0 * dataBits * (from + to));

    internal static Resources Times(this Resources r, double k) => new(r.Dsp * k, r.Bram18 * k, r.Uram * k, r.Lut * k, r.Ff * k);
}
