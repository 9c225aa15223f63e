using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>Resource limits of one configuration: DSP/LUT/FF at the resource allocation, BRAM/URAM at the RAM allocation.</summary>
public readonly record struct Budget(double Dsp, double Bram18, double Uram, double Lut, double Ff)
{
    public static Budget For(BoardSpec board, DesignOptions options)
    {
        double a = options.ResourceAllocation;
        if (!(a > 0 && a <= 1)) throw new ArgumentException($"design options: resourceAllocation must be in (0, 1] (got {a})");
        double r = double.IsNaN(options.RamAllocation) ? a : options.RamAllocation;
        if (!(r > 0 && r <= 1)) throw new ArgumentException($"design options: ramAllocation must be in (0, 1] (got {r})");
        return new Budget(Math.Floor(a * board.Dsp), Math.Floor(r * board.Bram18), Math.Floor(r * board.Uram), Math.Floor(a * board.Lut), Math.Floor(a * board.Ff));
    }

    /// <summary>The resources of <paramref name="r"/> over this budget, e.g. "needs LUT 3279 of 500, FF 2020 of 1000".</summary>
    public string Excess(in Resources r)
    {
        var over = new List<string>();
        if (r.Dsp > Dsp) over.Add($"DSP {r.Dsp:F0} of {Dsp:F0}");
        if (r.Bram18 > Bram18) over.Add($"BRAM18 {r.Bram18:F0} of {Bram18:F0}");
        if (r.Uram > Uram) over.Add($"URAM {r.Uram:F0} of {Uram:F0}");
        if (r.Lut > Lut) over.Add($"LUT {r.Lut:F0} of {Lut:F0}");
        if (r.Ff > Ff) over.Add($"FF {r.Ff:F0} of {Ff:F0}");
        return over.Count == 0 ? $"needs {r} within DSP {Dsp:F0}, BRAM18 {Bram18:F0}, URAM {Uram:F0}, LUT {Lut:F0}, FF {Ff:F0}" : "needs " + string.Join(", ", over);
    }

    public Budget Scaled(double k) => new(Math.Floor(Dsp * k), Math.Floor(Bram18 * k), Math.Floor(Uram * k), Math.Floor(Lut * k), Math.Floor(Ff * k));

    /// <summary>
    /// True when <paramref name="r"/> fits. BRAM beyond the budget may move to LUTRAM at 288 LUT per BRAM18 if the
    /// LUTs allow it (corrected bram_to_lut: only the converted blocks are charged).
    /// </summary>
    public bool Fits(in Resources r)
    {
        if (r.Dsp > Dsp || r.Ff > Ff || r.Uram > Uram) return false;
        double bramOver = Math.Max(0, Math.Ceiling(r.Bram18 - Bram18 - 1e-9));
        return r.Lut + bramOver * ResourcePrimitives.LutsPerBram18 <= Lut;
    }

    /// <summary>The usage as placed on the device: BRAM beyond the budget moved to LUTRAM.</summary>
    public Resources Placed(in Resources r)
    {
        double bramOver = Math.Max(0, Math.Ceiling(r.Bram18 - Bram18 - 1e-9));
        return new Resources(r.Dsp, r.Bram18 - bramOver, r.Uram, r.Lut + bramOver * ResourcePrimitives.LutsPerBram18, r.Ff);
    }

    /// <summary>Cost of a resource increase as the sum of the fractions of each budget it takes.</summary>
    public double Weight(in Resources delta) =>
        Frac(delta.Dsp, Dsp) + Frac(delta.Bram18, Bram18 + Lut / ResourcePrimitives.LutsPerBram18) + Frac(delta.Uram, Uram) + Frac(delta.Lut, Lut) + Frac(delta.Ff, Ff);

    /// <summary>Signed budget fraction of a resource change (negative when it frees resources).</summary>
    public double SignedWeight(in Resources delta) =>
        Signed(delta.Dsp, Dsp) + Signed(delta.Bram18, Bram18 + Lut / ResourcePrimitives.LutsPerBram18) + Signed(delta.Uram, Uram) + Signed(delta.Lut, Lut) + Signed(delta.Ff, Ff);

    private static double Signed(double d, double limit) => d == 0 ? 0 : limit <= 0 ? Math.Sign(d) * 1e9 : d / limit;

    private static double Frac(double d, double limit) => d <= 0 ? 0 : limit <= 0 ? 1e9 : d / limit;
}
