using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>Steps between feasible folding values, and snapshots of a partition's folding to return to.</summary>
internal static class FoldingSteps
{
    public static int Next(int[] values, int current)
    {
        int i = Array.IndexOf(values, current);
        return i >= 0 && i + 1 < values.Length ? values[i + 1] : current;
    }

    public static int Previous(int[] values, int current)
    {
        int i = Array.IndexOf(values, current);
        return i > 0 ? values[i - 1] : current;
    }

    /// <summary>The folding, weight store and implementation of every member of <paramref name="s"/>.</summary>
    public static (LayerFolding Folding, bool Uram, bool Dense)[] Snapshot(PartitionState s)
    {
        var f = new (LayerFolding, bool, bool)[s.Network.Nodes.Count];
        foreach (var m in s.Members) f[m] = (s.FoldingOf(m), s.Uram[m], s.DenseImpl[m]);
        return f;
    }

    public static void Restore(PartitionState s, (LayerFolding Folding, bool Uram, bool Dense)[] snapshot)
    {
        foreach (var m in s.Members)
        {
            var (f, uram, dense) = snapshot[m];
            s.Apply(m, f.CoarseIn, f.CoarseOut, f.CoarseGroup, f.Fine, f.WeightsReloading, uram, dense);
        }
    }
}
