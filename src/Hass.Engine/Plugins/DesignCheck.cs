using System.Globalization;
using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// What the engine checks of every design a backend returns before it is used or stored (docs/writing-a-backend.md,
/// "What the engine checks"): there is a design, its layers are a list without nulls, its throughput is a finite number
/// above 0, its resource use is finite and not negative, and a design of Optimize fits the board (a given folding, Evaluate,
/// may not).
/// </summary>
public static class DesignCheck
{
    /// <summary>What is wrong with <paramref name="design"/> ("with …", to follow "returned a design"), or null when nothing is.</summary>
    public static string? Problem(HardwareDesign? design, BoardSpec board, bool mustFit)
    {
        if (design is null) return "that is null";
        if (design.Layers is null) return "whose Layers is null (give an empty list when it has no layers to describe)";
        if (design.Layers.Any(l => l is null)) return "with a null entry in its Layers";
        if (design.Performance is null || design.Resources is null) return "without " + (design.Performance is null ? "Performance" : "Resources");
        var throughput = design.Performance.ThroughputImagesPerSecond;
        if (!double.IsFinite(throughput) || throughput <= 0)
            return $"with a throughput of {Number(throughput)} images/s (it must be a finite number above 0)";
        var r = design.Resources;
        double[] uses = [r.Dsp, r.Bram18, r.Uram, r.Lut, r.Ff];
        if (uses.Any(u => !double.IsFinite(u) || u < 0))
            return $"with a resource use that is negative or not a number ({Use(r)})";
        if (mustFit && !r.FitsOn(board))
            return $"that does not fit board '{board.Name}' ({Excess(r, board)}); Optimize must stay within the board, or throw DesignDoesNotFitException";
        return null;
    }

    internal static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);

    private static string Use(ResourceUsage r) => $"DSP {Number(r.Dsp)}, BRAM18 {Number(r.Bram18)}, URAM {Number(r.Uram)}, LUT {Number(r.Lut)}, FF {Number(r.Ff)}";

    private static string Excess(ResourceUsage r, BoardSpec board) => string.Join(", ",
        new (string Name, double Used, int Has)[] { ("DSP", r.Dsp, board.Dsp), ("BRAM18", r.Bram18, board.Bram18), ("URAM", r.Uram, board.Uram), ("LUT", r.Lut, board.Lut), ("FF", r.Ff, board.Ff) }
            .Where(x => x.Used > x.Has).Select(x => $"{x.Name} {Number(x.Used)} of {x.Has}"));
}
