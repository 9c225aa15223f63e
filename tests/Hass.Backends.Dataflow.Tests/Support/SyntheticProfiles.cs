using Hass.Abstractions;

namespace Hass.Backends.TestSupport;

/// <summary>Seeded synthetic sparsity profiles: per channel, the zeros per window follow Binomial(K, p_c).</summary>
public static class SyntheticProfiles
{
    /// <summary>
    /// Every conv layer gets channels whose zero probability is drawn uniformly from
    /// [<paramref name="meanSparsity"/> − <paramref name="spread"/>, + spread] (clipped to [0, 0.99]).
    /// </summary>
    public static SparsityProfile Uniform(NetworkGraph graph, double meanSparsity, double spread = 0.15, int seed = 1)
    {
        var rng = new Random(seed);
        var layers = new List<LayerSparsity>();
        foreach (var layer in graph.Layers)
        {
            if (layer.Kind != LayerKind.Conv) continue;
            int k = layer.KernelSize;
            var hist = new double[layer.InputShape.Channels][];
            double total = 0;
            for (int c = 0; c < hist.Length; c++)
            {
                double p = Math.Clamp(meanSparsity + spread * (2 * rng.NextDouble() - 1), 0, 0.99);
                hist[c] = Binomial(k, p);
                total += p;
            }
            double mean = total / hist.Length;
            layers.Add(new LayerSparsity { Layer = layer.Name, KernelSize = k, Histogram = hist, EffectiveSparsity = mean, WeightDensity = 1 - mean / 2, ActivationDensity = 1 - mean / 2 });
        }
        return new SparsityProfile { Model = graph.Name, Images = 0, Layers = layers };
    }

    public static double[] Binomial(int n, double p)
    {
        var bins = new double[n + 1];
        for (int z = 0; z <= n; z++) bins[z] = Choose(n, z) * Math.Pow(p, z) * Math.Pow(1 - p, n - z);
        double sum = bins.Sum();
        for (int z = 0; z <= n; z++) bins[z] /= sum;
        return bins;
    }

    private static double Choose(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }
}
