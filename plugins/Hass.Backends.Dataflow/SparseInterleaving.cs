using static Hass.Backends.Dataflow.ResourcePrimitives;

namespace Hass.Backends.Dataflow;

/// <summary>Which input channels each stream of a sparse conv carries, and the expected cycles of the slowest stream.</summary>
public static class SparseInterleaving
{
    /// <summary>
    /// Sparse Vector Dot with "opt" interleaving: channels sorted slowest first, written row-major into a (C/S)×S grid
    /// with every odd row reversed (snake); stream s takes column s. Returns the slowest stream's expected cycles per
    /// window (the mean of its channels' e[c]) and the channel list of every stream.
    /// </summary>
    public static (double Max, int[][] Streams) SparseStreamCycles(Node n, int fine, int streams, bool withChannels = false)
    {
        var order = SparseOrderFor(n, fine);
        int rows = n.C / streams;
        double max = 0;
        int[][] lists = withChannels ? new int[streams][] : [];
        for (int s = 0; s < streams; s++)
        {
            double sum = 0;
            int[]? list = withChannels ? new int[rows] : null;
            for (int r = 0; r < rows; r++)
            {
                int column = (r & 1) == 0 ? s : streams - 1 - s;
                int channel = order.Order[r * streams + column];
                sum += order.Expected[channel];
                if (list is not null) list[r] = channel;
            }
            if (list is not null) lists[s] = list;
            max = Math.Max(max, sum / rows);
        }
        return (max, lists);
    }

    private static SparseOrder SparseOrderFor(Node n, int fine)
    {
        var hist = n.Histogram ?? throw new InvalidOperationException($"{n} has no histogram");
        n.SparseOrders ??= new SparseOrder?[n.K + 1];
        var cached = n.SparseOrders[fine];
        if (cached is not null) return cached;
        int k = n.K;
        var cyclesPerBin = new double[k + 1];
        for (int z = 0; z < k; z++) cyclesPerBin[z] = CeilDiv(k - z, fine);
        cyclesPerBin[k] = n.Settings.SkipAllZeroWindows ? 0 : 1;
        var expected = new double[n.C];
        for (int c = 0; c < n.C; c++)
        {
            double e = 0;
            var row = hist[c];
            for (int z = 0; z <= k; z++) e += cyclesPerBin[z] * row[z];
            expected[c] = e;
        }
        // Slowest first; equal e[c] may come in any (deterministic) order, which cannot change any stream's mean.
        var order = new int[n.C];
        var keys = new double[n.C];
        for (int c = 0; c < order.Length; c++) { order[c] = c; keys[c] = -expected[c]; }
        Array.Sort(keys, order);
        var result = new SparseOrder(expected, order);
        n.SparseOrders[fine] = result;
        return result;
    }

    /// <summary>Naive interleaving (channel c on stream c mod S), used by the pointwise sparse layer.</summary>
    public static int[][] NaiveStreams(int channels, int streams)
    {
        var lists = new int[streams][];
        for (int s = 0; s < streams; s++)
        {
            var list = new int[channels / streams];
            for (int r = 0; r < list.Length; r++) list[r] = r * streams + s;
            lists[s] = list;
        }
        return lists;
    }
}
