namespace Hass.Abstractions;

/// <summary>Summary statistics the engine, the board runner and plugins share.</summary>
public static class Statistics
{
    /// <summary>The median (the mean of the two middle values for an even count); throws on an empty sequence.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) throw new InvalidOperationException("the median of no values");
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The least-squares line y = intercept + slope × x through the points (slope 0 when every x is the same); throws on no points.</summary>
    public static (double Intercept, double Slope) Line(IReadOnlyList<(double X, double Y)> points)
    {
        if (points.Count == 0) throw new InvalidOperationException("the line through no points");
        double mx = points.Average(p => p.X), my = points.Average(p => p.Y);
        double sxx = points.Sum(p => (p.X - mx) * (p.X - mx)), sxy = points.Sum(p => (p.X - mx) * (p.Y - my));
        var slope = sxx > 0 ? sxy / sxx : 0;
        return (my - slope * mx, slope);
    }
}
