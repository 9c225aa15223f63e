using System.Globalization;

namespace Hass.Abstractions;

/// <summary>
/// Names of the two disjoint parts of the confirmation split that confirmed incumbents use: "confirmation:first-N" (the
/// first N images, scored during the search) and "confirmation:after-N" (the rest, scored by the final pick only).
/// </summary>
public static class ConfirmationParts
{
    private const string FirstPrefix = "confirmation:first-";
    private const string AfterPrefix = "confirmation:after-";

    public static string First(int images) => FirstPrefix + images.ToString(CultureInfo.InvariantCulture);
    public static string After(int images) => AfterPrefix + images.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The slice of a confirmation split of <paramref name="total"/> images that <paramref name="split"/> names; false when it names no part
    /// or a part that leaves either side empty (N must be in [1, total − 1]).
    /// </summary>
    public static bool TryResolve(string split, int total, out int start, out int count)
    {
        (start, count) = (0, 0);
        var first = split.StartsWith(FirstPrefix, StringComparison.Ordinal);
        if (!first && !split.StartsWith(AfterPrefix, StringComparison.Ordinal)) return false;
        var digits = split[(first ? FirstPrefix : AfterPrefix).Length..];
        if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n >= total) return false;
        (start, count) = first ? (0, n) : (n, total - n);
        return true;
    }

    public const string Usage = "\"confirmation:first-N\" / \"confirmation:after-N\" (N in [1, confirmation images − 1])";
}
