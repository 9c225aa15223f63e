using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>How much of a board a design uses, resource by resource, and which layers hold the resource that binds it.</summary>
public static class BoardUtilisation
{
    /// <summary>LUTs, DSPs and BRAM18s used against the board's, the most used share first.</summary>
    public static IEnumerable<(string Name, double Used, double Available)> Of(ResourceUsage used, BoardSpec board) =>
        new (string Name, double Used, double Available)[] { ("LUT", used.Lut, board.Lut), ("DSP", used.Dsp, board.Dsp), ("BRAM18", used.Bram18, board.Bram18) }
            .Where(u => u.Available > 0).OrderByDescending(u => u.Used / u.Available);

    /// <summary>
    /// Each layer's use of the compute resource that binds the design (DSPs or LUTs, whichever the whole design uses the larger share of),
    /// as a share of the board's; layers that use none are left out.
    /// </summary>
    public static IEnumerable<(string Layer, double Share)> BindingShares(HardwareDesign design, BoardSpec board)
    {
        Func<ResourceUsage, double> share = design.Resources.Dsp / board.Dsp >= design.Resources.Lut / board.Lut
            ? r => r.Dsp / board.Dsp
            : r => r.Lut / board.Lut;
        return design.Layers.Select(l => (l.Layer, Share: share(l.Resources))).Where(l => l.Share > 0);
    }
}
