using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Hass.Cli;

/// <summary>
/// Whole-number options whose wrong values are refused at parse time (exit 2) with one plain message naming the
/// option and the allowed range, instead of the parser's default text that names a .NET type.
/// </summary>
public static class NumberOptions
{
    /// <summary>An optional whole number; <paramref name="check"/> returns the problem with a parsed value (null when it is fine).</summary>
    public static Option<int?> Int(string name, string description, Func<long, string?> check) => new(name)
    {
        Description = description,
        CustomParser = result => Parse(result, name, check),
    };

    /// <summary>An optional whole number in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Int(string name, string description, int min, int max) => Int(name, description, n => InRange(name, n, min, max));

    /// <summary>A whole number in [<paramref name="min"/>, <paramref name="max"/>] with a default.</summary>
    public static Option<int> Int(string name, string description, int min, int max, int defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name, n => InRange(name, n, min, max)) ?? defaultValue,
    };

    public static string? InRange(string name, long value, int min, int max) =>
        value >= min && value <= max ? null : $"{name}: must be in [{min}, {max}] (got {value})";

    private static int? Parse(ArgumentResult result, string name, Func<long, string?> check)
    {
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[^1].Value;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            result.AddError($"{name}: '{Shorten(text)}' is not a whole number");
            return null;
        }
        var problem = value is < int.MinValue or > int.MaxValue ? $"{name}: {value} is too large" : check(value);
        if (problem is not null) { result.AddError(problem); return null; }
        return (int)value;
    }

    private static string Shorten(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
