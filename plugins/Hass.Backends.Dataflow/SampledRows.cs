namespace Hass.Backends.Dataflow;

/// <summary>
/// The lane-aware row cycles from the profile's sample images: each image's row costs its own slowest stream (or the
/// row's data movement), and the expected row is the mean over the images — the exact expected maximum over those
/// images, with no assumption about how the streams vary together. Image i's cycles of channel c in row r are its
/// non-zero products X[i][r][c] times the channel's mean cycles per non-zero product at this fine (exact at fine 1);
/// a stream's lanes see the same activations, so per row the stream is represented by its slowest expected lane.
/// </summary>
internal static class SampledRows
{
    /// <summary>[i][r]: cycles of the slowest stream in row r of sample image i.</summary>
    public static double[][] SlowestStreams(Node n, int[][][] samples, int[][] streams, int fine, double[] channelCycles, double[] shares, int co)
    {
        var perNonZero = CyclesPerNonZero(n, fine, channelCycles);
        var result = samples.Select(_ => new double[n.Ho]).ToArray();
        var weights = new double[n.C];
        var fixedCycles = new double[streams.Length];
        var lanes = new double[co];
        for (int r = 0; r < n.Ho; r++)
        {
            int rowBase = r * n.C;
            for (int s = 0; s < streams.Length; s++)
            {
                Array.Clear(lanes);
                foreach (var c in streams[s])
                    LaneSums.AddScaled(lanes, shares.AsSpan(c * co, co), channelCycles[rowBase + c]);
                int lane = 0;
                for (int l = 1; l < co; l++) if (lanes[l] > lanes[lane]) lane = l;
                fixedCycles[s] = 0;
                foreach (var c in streams[s])
                {
                    double share = shares[c * co + lane], factor = perNonZero[rowBase + c];
                    // A channel without non-zero products in the profile costs its fixed cycles (all-zero windows not skipped).
                    weights[c] = factor * share;
                    if (factor == 0) fixedCycles[s] += channelCycles[rowBase + c] * share;
                }
            }
            for (int i = 0; i < samples.Length; i++)
            {
                var x = samples[i][r];
                double slowest = 0;
                for (int s = 0; s < streams.Length; s++)
                {
                    double cycles = fixedCycles[s];
                    foreach (var c in streams[s]) cycles += weights[c] * x[c];
                    slowest = Math.Max(slowest, cycles);
                }
                result[i][r] = slowest;
            }
        }
        return result;
    }

    /// <summary>The mean over images of each row.</summary>
    public static double[] Mean(double[][] images)
    {
        var mean = new double[images[0].Length];
        foreach (var image in images)
            for (int r = 0; r < mean.Length; r++) mean[r] += image[r] / images.Length;
        return mean;
    }

    /// <summary>[r·C + c]: channel c's expected cycles in row r per expected non-zero product (0 where it has none).</summary>
    private static double[] CyclesPerNonZero(Node n, int fine, double[] channelCycles)
    {
        if (n.Lanes.CyclesPerNonZero.TryGetValue(fine, out var cached)) return cached;
        var rows = n.RowHistogram ?? throw new InvalidOperationException($"{n} has samples but no per-row histogram");
        int k = n.K;
        double pairsPerImage = (double)n.Ho * n.Wo * (n.F / n.G);
        var table = new double[n.Ho * n.C];
        for (int r = 0; r < n.Ho; r++)
            for (int c = 0; c < n.C; c++)
            {
                double nonZeros = 0;
                for (int z = 0; z < k; z++) nonZeros += (k - z) * rows[r][c][z];
                nonZeros *= pairsPerImage;
                table[r * n.C + c] = nonZeros > 0 ? channelCycles[r * n.C + c] / nonZeros : 0;
            }
        n.Lanes.CyclesPerNonZero[fine] = table;
        return table;
    }
}
