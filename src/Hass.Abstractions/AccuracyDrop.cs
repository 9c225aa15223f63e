namespace Hass.Abstractions;

/// <summary>
/// Top-1 drops are differences of percentages of image counts, so a drop that equals its limit in images can pass it by a
/// rounding error: 28 images of 4,000 is 92.225 − 91.525 = 0.7000000000000028 points, which a plain comparison refuses against
/// a limit of 0.7. Drops, violations and limits are therefore rounded to <see cref="Decimals"/> decimals (far finer than one
/// image in a million) where they are made, and compared rounded where they are read (stores written before kept the raw values).
/// </summary>
public static class AccuracyDrop
{
    public const int Decimals = 9;

    public static double Round(double points) => Math.Round(points, Decimals);

    /// <summary>The drop from <paramref name="baselineTop1"/> to <paramref name="top1"/> (both in percent), rounded.</summary>
    public static double Between(double baselineTop1, double top1) => Round(baselineTop1 - top1);

    /// <summary>Whether <paramref name="drop"/> is at most <paramref name="limit"/>, both rounded first.</summary>
    public static bool Within(double drop, double limit) => Round(drop) <= Round(limit);
}
