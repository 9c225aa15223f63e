using System.Globalization;

namespace Hass.Abstractions;

/// <summary>
/// Names of the disjoint parts of the confirmation split that confirmed incumbents use: "confirmation:first-N" (the
/// first N images, scored during the search), "confirmation:after-N" (the rest, scored by the final pick only) and
/// "confirmation:range-S-N" (N images from image S: the search's second look between the two).
/// </summary>
public static class ConfirmationParts
{
    private const string FirstPrefix = "confirmation:first-";
    private const string AfterPrefix = "confirmation:after-";
    private const string RangePrefix = "confirmation:range-";

    public static string First(int images) => FirstPrefix + images.ToString(CultureInfo.InvariantCulture);
    public static string After(int images) => AfterPrefix + images.ToString(CultureInfo.InvariantCulture);
    public static string Range(int start, int images) =>
        RangePrefix + start.ToString(CultureInfo.InvariantCulture) + "-" + images.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The slice of a confirmation split of <paramref name="total"/> images that <paramref name="split"/> names; false when it names no part
    /// or a part that leaves either side empty (N must be in [1, total − 1]; a range must hold an image and end within the split).
    /// </summary>
    public static bool TryResolve(string split, int total, out int start, out int count)
    {
        (start, count) = (0, 0);
        if (split.StartsWith(RangePrefix, StringComparison.Ordinal)) return TryResolveRange(split[RangePrefix.Length..], total, out start, out count);
        var first = split.StartsWith(FirstPrefix, StringComparison.Ordinal);
        if (!first && !split.StartsWith(AfterPrefix, StringComparison.Ordinal)) return false;
        var digits = split[(first ? FirstPrefix : AfterPrefix).Length..];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n >= total) return false;
        (start, count) = first ? (0, n) : (n, total - n);
        return true;
    }

    private static bool TryResolveRange(string bounds, int total, out int start, out int count)
    {
        (start, count) = (0, 0);
        var parts = bounds.Split('-');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || (long)s + n > total) return false;
        (start, count) = (s, n);
        return true;
    }

    public const string Usage = "\"confirmation:first-N\" / \"confirmation:after-N\" (N in [1, confirmation images − 1]) / \"confirmation:range-S-N\" (N ≥ 1 images from image S, within the split)";
}
