using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>Resources as mutable doubles for fast accumulation (BRAM in BRAM18, URAM in 288 Kb blocks).</summary>
public struct Resources
{
    public double Dsp, Bram18, Uram, Lut, Ff;

    public Resources(double dsp, double bram18, double uram, double lut, double ff)
    {
        Dsp = dsp; Bram18 = bram18; Uram = uram; Lut = lut; Ff = ff;
    }

    public static Resources operator +(Resources a, Resources b) => new(a.Dsp + b.Dsp, a.Bram18 + b.Bram18, a.Uram + b.Uram, a.Lut + b.Lut, a.Ff + b.Ff);
    public static Resources operator -(Resources a, Resources b) => new(a.Dsp - b.Dsp, a.Bram18 - b.Bram18, a.Uram - b.Uram, a.Lut - b.Lut, a.Ff - b.Ff);
    public static Resources Max(Resources a, Resources b) => new(Math.Max(a.Dsp, b.Dsp), Math.Max(a.Bram18, b.Bram18), Math.Max(a.Uram, b.Uram), Math.Max(a.Lut, b.Lut), Math.Max(a.Ff, b.Ff));
    public readonly ResourceUsage ToUsage() => new(Dsp, Bram18, Uram, Math.Ceiling(Lut), Math.Ceiling(Ff));
    public override readonly string ToString() => $"DSP {Dsp:F0}, BRAM18 {Bram18:F0}, URAM {Uram:F0}, LUT {Lut:F0}, FF {Ff:F0}";
}

/// <summary>Cost of one node at one folding.</summary>
public readonly record struct NodeCost(double Cycles, int StreamsIn, int StreamsOut, Resources Resources, double WeightMemoryBram18, double WeightMemoryUram);
