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
}
