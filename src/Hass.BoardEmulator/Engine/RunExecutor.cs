using Hass.Board.Protocol;

namespace Hass.BoardEmulator.Engine;

/// <summary>Runs warm-up + measured images through the functional model, then steps the pipeline.</summary>
public static class RunExecutor
{
    public const int MaxPredictions = 1024;

    public static RunResults Execute(EmulatedNetwork network, RunRequest request, ImageSet? uploaded, uint clockKHz, Action? imageDone = null, CancellationToken cancellationToken = default)
    {
        int total = (int)(request.Images + request.Warmup);
        // Images are generated in order (one seeded stream), then run independently: in parallel, same results.
        var rng = new SplitMix64(request.Seed);
        var images = new float[total][];
        for (int i = 0; i < total; i++)
            images[i] = uploaded is not null ? uploaded.Image(i % uploaded.Count) : Generate(network.InputShape.Elements, rng);
        var traces = new double[total][][];
        var classes = new ushort[total];
        Parallel.For(0, total, new ParallelOptions { CancellationToken = cancellationToken, MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var trace = network.Run(images[i]);
            traces[i] = trace.RowCycles;
            classes[i] = EmulatedNetwork.ArgMax(trace.Outputs[^1]);
            images[i] = null!;
            imageDone?.Invoke();
        });
        var predictions = classes.Skip((int)request.Warmup).Take(MaxPredictions).ToList();
        var result = new PipelineSimulator(network.Plans).Run(traces, (int)request.Warmup, cancellationToken);
        return new RunResults
        {
            RunId = 0, State = RunState.Done, ImagesDone = (uint)total, Images = request.Images, Warmup = request.Warmup,
            TotalCycles = (ulong)Math.Max(1, Math.Round(result.TotalCycles)), ClockKHz = clockKHz,
            Layers = network.DesignLayerIndex.Select(g => new LayerCounters((ulong)Math.Round(result.BusyCycles[g]), (ulong)Math.Round(result.StallCycles[g]))).ToArray(),
            Predictions = predictions,
        };
    }

    /// <summary>On-board image generator: standard normal values (Box–Muller over SplitMix64), documented in PROTOCOL.md.</summary>
    internal static float[] Generate(long elements, SplitMix64 rng)
    {
        var image = new float[elements];
        for (long j = 0; j < elements; j += 2)
        {
            double u1 = (rng.Next() >> 11) * (1.0 / (1UL << 53)), u2 = (rng.Next() >> 11) * (1.0 / (1UL << 53));
            double radius = Math.Sqrt(-2 * Math.Log(1 - u1));
            image[j] = (float)(radius * Math.Cos(2 * Math.PI * u2));
            if (j + 1 < elements) image[j + 1] = (float)(radius * Math.Sin(2 * Math.PI * u2));
        }
        return image;
    }
}

/// <summary>SplitMix64 (Steele et al.), the generator PROTOCOL.md specifies for on-board images and faults.</summary>
public sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));
}
