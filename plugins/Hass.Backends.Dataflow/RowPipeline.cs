using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>Fill latency (first image in to last result out) and steady-state interval of one configuration, in cycles.</summary>
public readonly record struct PipelineTiming(double FirstImageCycles, double IntervalCycles);

/// <summary>
/// Steps one configuration's layer pipeline at output-row granularity with the expected row cycles, the way a
/// dataflow design with row-sized FIFOs runs it: a row starts when the layer finished its previous row, its
/// producers finished the last input row its window reads, and each consumer freed a FIFO slot (span of the
/// consumer's window + the configuration's slack rows; a whole frame + the slack out of a layer with several consumers). Tensors coming from
/// off-chip (the network input, earlier configurations) stream in at the port's word rate. Layers whose row cycles
/// differ from image to image (the profile's sample images) run those images in turn. The steady-state interval is
/// the mean gap between the images after the first, which includes the stalls that uneven row costs of neighbouring
/// layers cause, within an image and from one image to the next; the batch-1 latency is one image alone through the
/// empty pipeline, averaged over the sample images.
/// </summary>
public static class RowPipeline
{
    /// <summary>Slack rows of a FIFO the DSE has not deepened (the emulator's default too).</summary>
    public const int BaseSlackRows = LayerDesign.DefaultFifoSlackRows;
    private const int MinImages = 4;

    /// <summary>RowCycles[i % count][r]: cycles of row r in image i.</summary>
    private sealed record Stage(double[][] RowCycles, List<(int Producer, int[] LastRow)> Inputs, List<(int Consumer, int[] LastUse, int Capacity)> Outputs);

    public static PipelineTiming Simulate(PartitionState s, Func<int, double[][]> rowCycles)
    {
        var net = s.Network;
        var index = new Dictionary<int, int>();
        var stages = new List<Stage>();
        int portWords = Math.Max(1, s.Board.PortWidthBits / s.DataBits);
        int StageOf(int node, bool external)
        {
            if (index.TryGetValue(node, out var i)) return i;
            var n = net.Nodes[node];
            int rows = Math.Max(1, n.Ho);
            var cycles = external ? [Enumerable.Repeat(n.OutputWords / (double)portWords / rows, rows).ToArray()] : rowCycles(node);
            index[node] = stages.Count;
            stages.Add(new Stage(cycles, [], []));
            return stages.Count - 1;
        }
        foreach (var m in s.Members)
        {
            int consumer = StageOf(m, external: false);
            var node = net.Nodes[m];
            foreach (var p in node.Inputs.Distinct())
            {
                int producer = StageOf(p, external: !s.Inside[p]);
                int consumerRows = stages[consumer].RowCycles[0].Length, producerRows = stages[producer].RowCycles[0].Length;
                var window = RowWindow.Of(node.Layer, consumerRows, producerRows);
                int capacity = (net.Nodes[p].Consumers.Count > 1 ? Math.Max(window.Span, producerRows) : window.Span) + s.SlackRows;
                stages[consumer].Inputs.Add((producer, window.LastInputRow));
                stages[producer].Outputs.Add((consumer, window.LastReader, capacity));
            }
        }
        int distinct = stages.Max(st => st.RowCycles.Length), images = Math.Max(MinImages, distinct);
        var ends = Run(stages, images, 0);
        double latency = 0;
        for (int i = 0; i < distinct; i++) latency += (distinct == 1 ? ends : Run(stages, 1, i))[0] / distinct;
        return new PipelineTiming(latency, (ends[images - 1] - ends[1]) / (images - 2));
    }

    /// <summary>Runs <paramref name="images"/> images, from image <paramref name="first"/> on, through the stages; returns when each image left the last stage.</summary>
    private static double[] Run(List<Stage> stages, int images, int first)
    {
        int n = stages.Count;
        var rows = stages.Select(st => st.RowCycles[0].Length).ToArray();
        var finish = rows.Select(r => new double[r * images]).ToArray();
        var next = new int[n];
        int remaining = n;
        var done = new bool[n];
        while (remaining > 0)
        {
            bool progress = false;
            for (int l = 0; l < n; l++)
            {
                while (next[l] < rows[l] * images && TryStart(stages, rows, finish, next, l, first)) progress = true;
                if (!done[l] && next[l] == rows[l] * images) { done[l] = true; remaining--; }
            }
            if (!progress && remaining > 0) throw new InvalidOperationException("row pipeline deadlock (FIFOs too small for this graph)");
        }
        var sinks = Enumerable.Range(0, n).Where(l => stages[l].Outputs.Count == 0).ToArray();
        var ends = new double[images];
        for (int i = 0; i < images; i++) ends[i] = sinks.Max(sk => finish[sk][(i + 1) * rows[sk] - 1]);
        return ends;
    }

    private static bool TryStart(List<Stage> stages, int[] rows, double[][] finish, int[] next, int l, int first)
    {
        int k = next[l], image = k / rows[l], r = k % rows[l];
        double ready = k > 0 ? finish[l][k - 1] : 0;
        foreach (var (producer, lastRow) in stages[l].Inputs)
        {
            int need = image * rows[producer] + lastRow[r];
            if (need >= next[producer]) return false;
            ready = Math.Max(ready, finish[producer][need]);
        }
        foreach (var (consumer, lastUse, capacity) in stages[l].Outputs)
        {
            int freed = k - capacity;
            if (freed < 0) continue;
            int unit = freed / rows[l] * rows[consumer] + lastUse[freed % rows[l]];
            if (unit >= next[consumer]) return false;
            ready = Math.Max(ready, finish[consumer][unit]);
        }
        var cycles = stages[l].RowCycles;
        finish[l][k] = ready + cycles[(first + image) % cycles.Length][r];
        next[l]++;
        return true;
    }
}
