using Hass.Abstractions;

namespace Hass.BoardEmulator.Engine;

/// <summary>Cycle counts of one run: total over the measured images and per-layer busy/stall sums.</summary>
public sealed record PipelineResult(double TotalCycles, double[] BusyCycles, double[] StallCycles, double[] ImageEndCycles);

/// <summary>
/// Steps the layer pipeline at output-row granularity. Every layer processes its output rows in order; a row
/// starts when (1) the layer finished its previous row, (2) every producer has finished the last input row the
/// row's window needs, and (3) every consumer has freed a FIFO slot: the producer's row j needs the consumer to
/// have finished the last unit that reads row j − capacity. Capacity (in rows) = the consumer's window span + the
/// consumer's FIFO slack rows (<see cref="LayerPlan.FifoSlackRows"/>, from the design), or a whole frame + the slack
/// out of a layer that feeds several consumers (skip connections). Row times come from the functional model, so the
/// result is data-dependent.
/// </summary>
internal sealed class PipelineSimulator
{
    private sealed record Edge(int Other, int[] Table, int Capacity);

    private readonly LayerPlan[] _plans;
    private readonly Edge[][] _producers;
    private readonly Edge[][] _consumers;

    public PipelineSimulator(LayerPlan[] plans)
    {
        _plans = plans;
        int n = plans.Length;
        var producers = Enumerable.Range(0, n).Select(_ => new List<Edge>()).ToArray();
        var consumers = Enumerable.Range(0, n).Select(_ => new List<Edge>()).ToArray();
        var fanOut = new int[n];
        foreach (var p in plans) foreach (int q in p.Producers.Distinct()) fanOut[q]++;
        for (int l = 0; l < n; l++)
        {
            foreach (int p in plans[l].Producers.Distinct())
            {
                var window = RowWindow.Of(plans[l].Layer, plans[l].Rows, plans[p].Rows);
                int capacity = (fanOut[p] > 1 ? Math.Max(window.Span, plans[p].Rows) : window.Span) + plans[l].FifoSlackRows;
                producers[l].Add(new Edge(p, window.LastInputRow, capacity));
                consumers[p].Add(new Edge(l, window.LastReader, capacity));
            }
        }
        _producers = producers.Select(e => e.ToArray()).ToArray();
        _consumers = consumers.Select(e => e.ToArray()).ToArray();
    }

    /// <summary>Simulates <paramref name="traces"/> (warm-up images first); counters cover images from <paramref name="warmup"/> on.</summary>
    public PipelineResult Run(IReadOnlyList<double[][]> traces, int warmup, CancellationToken cancellationToken)
    {
        int n = _plans.Length, images = traces.Count;
        var rows = _plans.Select(p => p.Rows).ToArray();
        var finish = rows.Select(r => new double[(long)r * images]).ToArray();
        var next = new int[n];
        var busy = new double[n];
        var stall = new double[n];
        int remaining = n;
        var done = new bool[n];
        while (remaining > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            bool progress = false;
            for (int l = 0; l < n; l++)
            {
                int total = rows[l] * images;
                while (next[l] < total)
                {
                    int k = next[l], image = k / rows[l], r = k % rows[l];
                    double previous = k > 0 ? finish[l][k - 1] : 0;
                    if (ReadyAt(l, k, rows, next, finish) is not { } ready) break;
                    double t = traces[image][l][r];
                    finish[l][k] = ready + t;
                    if (image >= warmup)
                    {
                        busy[l] += t;
                        stall[l] += ready - previous;
                    }
                    next[l]++;
                    progress = true;
                }
                if (!done[l] && next[l] == rows[l] * images) { done[l] = true; remaining--; }
            }
            if (!progress && remaining > 0)
            {
                int stuck = Array.FindIndex(next, 0, i => next[i] < rows[i] * images);
                throw new InvalidOperationException($"pipeline deadlock at layer '{_plans[stuck].Layer.Name}' (row {next[stuck]}); the emulator's FIFOs are too small for this graph");
            }
        }
        var sinks = Enumerable.Range(0, n).Where(l => _consumers[l].Length == 0).ToArray();
        var ends = new double[images];
        for (int i = 0; i < images; i++) ends[i] = sinks.Max(s => finish[s][(i + 1) * rows[s] - 1]);
        double totalCycles = ends[^1] - (warmup > 0 ? ends[warmup - 1] : 0);
        return new PipelineResult(totalCycles, busy, stall, ends);
    }

    /// <summary>
    /// When row <paramref name="k"/> of layer <paramref name="l"/> can start: after its previous row, the producer
    /// rows it reads and the consumer rows that free its FIFO space; null while one of those is not simulated yet.
    /// </summary>
    private double? ReadyAt(int l, int k, int[] rows, int[] next, double[][] finish)
    {
        int image = k / rows[l], r = k % rows[l];
        double ready = k > 0 ? finish[l][k - 1] : 0;
        foreach (var e in _producers[l])
        {
            int need = image * rows[e.Other] + e.Table[r];
            if (need >= next[e.Other]) return null;
            ready = Math.Max(ready, finish[e.Other][need]);
        }
        foreach (var e in _consumers[l])
        {
            int freed = k - e.Capacity;
            if (freed < 0) continue;
            int unit = freed / rows[l] * rows[e.Other] + e.Table[freed % rows[l]];
            if (unit >= next[e.Other]) return null;
            ready = Math.Max(ready, finish[e.Other][unit]);
        }
        return ready;
    }
}
