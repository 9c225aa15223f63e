namespace Hass.Bench.Confirmation;

/// <summary>Statistics the probes share: of a pass's per-image margins (true-class logit minus the largest other), in points, and of drops.</summary>
public static class MarginStatistics
{
    /// <summary>Top-1: the share of images with a positive margin.</summary>
    public static double Counted(float[] margins) => 100.0 * margins.Count(m => m > 0) / margins.Length;

    /// <summary>Mean of σ(margin / T): moves with every image, not only with those that flip.</summary>
    public static double Smoothed(float[] margins, double temperature = 1) => 100.0 * margins.Average(m => 1 / (1 + Math.Exp(-m / temperature)));

    /// <summary>Correlation of x and y, and the SD of y around its least-squares line on x.</summary>
    public static (double Correlation, double Residual) Fit(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxx = x.Sum(v => (v - mx) * (v - mx)), syy = y.Sum(v => (v - my) * (v - my));
        double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        var correlation = sxx > 0 && syy > 0 ? sxy / Math.Sqrt(sxx * syy) : 0;
        return (correlation, Math.Sqrt(syy * (1 - correlation * correlation) / y.Length));
    }

    /// <summary>The standard deviation of <paramref name="values"/> around their mean, over all of them (not a sample estimate).</summary>
    public static double PopulationSd(IReadOnlyCollection<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count);
    }
}
