using System.Globalization;
using System.Text.RegularExpressions;

namespace Hass.BoardEmulator;

/// <summary>Sizes written as a number of bytes with an optional binary unit: 1073741824, 512MiB, 4GiB, 64M, 2G.</summary>
public static partial class ByteSize
{
    [GeneratedRegex(@"^\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Pattern();

    public static long Parse(string option, string text, long min, long max)
    {
        var m = Pattern().Match(text);
        if (m.Success && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
        {
            int shift = "KMGT".IndexOf(char.ToUpperInvariant(m.Groups[2].Value.FirstOrDefault('B'))) + 1;
            double bytes = number * Math.Pow(1024, shift);
            if (bytes >= min && bytes <= max) return (long)bytes;
        }
        throw new ArgumentException($"option {option}: '{text}' is not a size between {DesignLimits.Size(min)} and {DesignLimits.Size(max)} (e.g. 512MiB, 4GiB)");
    }
}
