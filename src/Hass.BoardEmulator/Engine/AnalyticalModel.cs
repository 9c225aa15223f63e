namespace Hass.BoardEmulator.Engine;

/// <summary>One design layer: the analytical cycles per image and what the emulator counted on the same images.</summary>
public sealed record LayerComparison(string Layer, bool Sparse, double AnalyticalCycles, double EmulatedCycles);

/// <summary>Analytical (fpgaConvNet "avg" model, corrected) versus emulated, on the same design, weights and images.</summary>
public sealed record ModelComparison(IReadOnlyList<LayerComparison> Layers, double AnalyticalIntervalCycles, double AnalyticalImagesPerSecond, double EmulatedImagesPerSecond)
{
    /// <summary>Emulated / analytical throughput.</summary>
    public double Ratio => EmulatedImagesPerSecond / AnalyticalImagesPerSecond;
}

/// <summary>
/// The analytical prediction a dataflow backend makes for a design, computed here from histograms collected on
/// the images the emulator runs: sparse conv latency = max(Ho·Wo·F/(co·g) · max over streams of Σ_{c∈s} e[c],
/// H·W·C/S, Ho·Wo·F/(co·cg)) with e[c] = Σ_z ceil((K−z)/f)·hist[c,z] (0 for z = K); other layers the same dense
/// formulas as the emulator; interval = the slowest layer; throughput = clock / interval. Used to report the
/// gap between the analytical average and the data-dependent pipeline.
/// </summary>
public static class AnalyticalModel
{
    public static ModelComparison Compare(EmulatedNetwork network, IReadOnlyList<float[]> images, int warmup, double clockMhz)
    {
        var plans = network.Plans;
        var histograms = new Dictionary<int, long[]>();
        for (int i = 0; i < plans.Length; i++)
            if (plans[i].Sparse) histograms[i] = new long[plans[i].Layer.InputShape.Channels * (plans[i].Layer.KernelSize + 1)];
        var traces = new List<double[][]>();
        foreach (var image in images) traces.Add(network.Run(image, histograms).RowCycles);
        var pipeline = new PipelineSimulator(plans).Run(traces, warmup, CancellationToken.None);
        int timed = images.Count - warmup;

        var analytical = new double[plans.Length];
        for (int i = 0; i < plans.Length; i++)
            analytical[i] = plans[i].Sparse ? SparseLatency(plans[i], histograms[i]) : plans[i].FixedRowCycles * plans[i].Rows;
        double interval = analytical.Max();
        var layers = network.DesignLayerIndex.Select(g => new LayerComparison(plans[g].Layer.Name, plans[g].Sparse, analytical[g], pipeline.BusyCycles[g] / timed)).ToList();
        return new ModelComparison(layers, interval, clockMhz * 1e6 / interval, timed * clockMhz * 1e6 / pipeline.TotalCycles);
    }

    private static double SparseLatency(LayerPlan plan, long[] histogram)
    {
        var l = plan.Layer;
        int k = l.KernelSize, channels = l.InputShape.Channels, fine = plan.Folding.Fine;
        var streamSum = new double[plan.Streams];
        for (int c = 0; c < channels; c++)
        {
            long total = 0;
            double cycles = 0;
            for (int z = 0; z <= k; z++) total += histogram[c * (k + 1) + z];
            for (int z = 0; z < k; z++) cycles += Math.Ceiling((double)(k - z) / fine) * histogram[c * (k + 1) + z];
            streamSum[plan.StreamOf[c]] += total == 0 ? 0 : cycles / total;
        }
        double perLane = (double)l.OutputShape.Rows * l.OutputShape.Cols * l.Filters / (plan.Folding.CoarseOut * Math.Max(1, l.Groups));
        double op = perLane * streamSum.Max();
        double dataIn = (double)l.InputShape.Elements / plan.Streams;
        double dataOut = (double)l.OutputShape.Elements / (plan.Folding.CoarseOut * plan.Folding.CoarseGroup);
        return Math.Ceiling(Math.Max(op, Math.Max(dataIn, dataOut)));
    }
}
