using System.Numerics;

namespace Hass.Backends.Dataflow;

/// <summary>
/// The lane model's inner loops, a vector of lanes at a time: each lane's sum takes its terms in the same order and with
/// the same roundings as one lane at a time, so the figures are unchanged.
/// </summary>
public static class LaneSums
{
    /// <summary>lanes[l] += scale · shares[l].</summary>
    public static void AddScaled(Span<double> lanes, ReadOnlySpan<double> shares, double scale)
    {
        int l = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var factor = new Vector<double>(scale);
            for (; l <= lanes.Length - Vector<double>.Count; l += Vector<double>.Count)
                (new Vector<double>(lanes[l..]) + factor * new Vector<double>(shares[l..])).CopyTo(lanes[l..]);
        }
        for (; l < lanes.Length; l++) lanes[l] += scale * shares[l];
    }

    /// <summary>lanes[l] += scale · shares[l] · shares[l].</summary>
    public static void AddScaledSquares(Span<double> lanes, ReadOnlySpan<double> shares, double scale)
    {
        int l = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var factor = new Vector<double>(scale);
            for (; l <= lanes.Length - Vector<double>.Count; l += Vector<double>.Count)
            {
                var share = new Vector<double>(shares[l..]);
                (new Vector<double>(lanes[l..]) + factor * share * share).CopyTo(lanes[l..]);
            }
        }
        for (; l < lanes.Length; l++) lanes[l] += scale * shares[l] * shares[l];
    }

    /// <summary>lanes[l] += values[l].</summary>
    public static void Add(Span<double> lanes, ReadOnlySpan<double> values)
    {
        int l = 0;
        if (Vector.IsHardwareAccelerated)
            for (; l <= lanes.Length - Vector<double>.Count; l += Vector<double>.Count)
                (new Vector<double>(lanes[l..]) + new Vector<double>(values[l..])).CopyTo(lanes[l..]);
        for (; l < lanes.Length; l++) lanes[l] += values[l];
    }
}
