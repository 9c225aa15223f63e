using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hass.Abstractions.Configuration;

/// <summary>The wording of configuration problems: values as given, expected types, "did you mean" hints.</summary>
public static class ConfigText
{
    /// <summary>A JSON value as shown after "got": strings quoted, objects and arrays named, at most 64 characters.</summary>
    public static string Describe(JsonElement value)
    {
        var text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetRawText(),
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => value.GetRawText(),
        };
        return Shorten(text);
    }

    /// <summary>The member's name, or false when it is not valid Unicode (a lone surrogate escape such as \ud800).</summary>
    internal static bool TryName(JsonProperty member, out string name)
    {
        try { name = member.Name; return true; }
        catch (InvalidOperationException) { name = ""; return false; }
    }

    /// <summary>A value of a record as shown after "got".</summary>
    public static string Show(object? value) => value switch
    {
        null => "null",
        string s => $"\"{Printable(s)}\"",
        JsonElement e => Describe(e),
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => Shorten(JsonSerializer.Serialize(value, HassJson.Compact)),
    };

    /// <summary>"unknown field (did you mean 'budget'?); known fields here: …" (the hint: see <see cref="Closest"/>).</summary>
    public static string Unknown(string name, IReadOnlyCollection<string> known)
    {
        var guess = Closest(name, known);
        var hint = guess is null ? "" : $" (did you mean '{guess}'?)";
        return $"unknown field{hint}; known fields here: {(known.Count == 0 ? "(none)" : string.Join(", ", known))}";
    }

    /// <summary>The candidate closest to <paramref name="name"/> (ignoring case) when it is at most half its length (2 to 3) edits away.</summary>
    public static string? Closest(string name, IEnumerable<string> candidates)
    {
        var lower = name.ToLowerInvariant();
        var best = candidates.Select(c => (Name: c, Distance: Levenshtein(c.ToLowerInvariant(), lower)))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Min(3, Math.Max(2, name.Length / 2)) ? best.Name : null;
    }

    /// <summary>What a member accepts, for "must be …": a whole number in [1, 1000], true or false, one of a, b, …</summary>
    internal static string Expected(JsonPropertyInfo? member, JsonTypeInfo type)
    {
        if (member?.AttributeProvider?.GetCustomAttributes(typeof(JsonExpectedAttribute), true).FirstOrDefault() is JsonExpectedAttribute given) return given.Text;
        if (member?.CustomConverter is IExpectedText described) return described.Expected;
        // A converter on a Nullable<T> member comes wrapped; its attribute still names it.
        if (member?.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonConverterAttribute), true).FirstOrDefault()
                is System.Text.Json.Serialization.JsonConverterAttribute { ConverterType: { } converterType }
            && typeof(IExpectedText).IsAssignableFrom(converterType) && Activator.CreateInstance(converterType) is IExpectedText wrapped)
            return wrapped.Expected;
        var t = Nullable.GetUnderlyingType(member?.PropertyType ?? type.Type) ?? member?.PropertyType ?? type.Type;
        var range = member?.AttributeProvider?.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.RangeAttribute), true)
            .Cast<System.ComponentModel.DataAnnotations.RangeAttribute>().Select(r => " " + ConfigRules.RangeText(r)).FirstOrDefault() ?? "";
        if (t == typeof(int) || t == typeof(long)) return "a whole number" + range;
        if (t == typeof(double) || t == typeof(float)) return "a number" + range;
        if (t == typeof(bool)) return "true or false";
        if (t == typeof(string)) return "a string";
        if (t.IsEnum) return "one of " + string.Join(", ", Enum.GetNames(t).Select(JsonNamingPolicy.CamelCase.ConvertName));
        if (t == typeof(JsonElement)) return "a JSON value";
        return type.Kind switch
        {
            JsonTypeInfoKind.Enumerable => "a list",
            _ => "an object",
        };
    }

    /// <summary>A name as shown in a one-line message: control characters escaped, at most 64 characters.</summary>
    public static string Printable(string name)
    {
        var sb = new StringBuilder();
        foreach (var c in name.Length > 64 ? name[..64] : name)
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c);
        if (name.Length > 64) sb.Append('…');
        return sb.ToString();
    }

    /// <summary>A deserializer message without .NET type names, paths or line numbers.</summary>
    internal static string Clean(string message)
    {
        message = message.Split(" Path:")[0].Split(" LineNumber:")[0].Trim();
        message = System.Text.RegularExpressions.Regex.Replace(message, @"'?\b(System|Hass)\.[\w.`\[\], ]+'?", "the expected type");
        return Shorten(Printable(message));
    }

    private static string Shorten(string text) => text.Length > 64 ? text[..64] + "…" : text;

    internal static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
