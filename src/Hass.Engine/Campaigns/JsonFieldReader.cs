using System.Globalization;
using System.Text.Json;

namespace Hass.Engine.Campaigns;

/// <summary>
/// Reads the fields of one JSON object, collecting every problem with its field path
/// (e.g. "objective.toleranceTop1: must be in [0, 100] (got 150)") instead of stopping at the first.
/// Field names match case-insensitively, like <see cref="Hass.Abstractions.HassJson"/>.
/// </summary>
internal sealed class JsonFieldReader
{
    private readonly JsonElement _object;
    private readonly string _path;
    private readonly List<string> _errors;
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

    public JsonFieldReader(JsonElement element, string path, List<string> errors)
    {
        _object = element;
        _path = path;
        _errors = errors;
    }

    public string PathOf(string field) => Files.StrictJson.Join(_path, field);
    public void Error(string field, string message) => _errors.Add($"{PathOf(field)}: {message}");

    private JsonElement? Get(string field)
    {
        _known.Add(field);
        foreach (var p in _object.EnumerateObject())
            if (string.Equals(p.Name, field, StringComparison.OrdinalIgnoreCase))
                return p.Value.ValueKind == JsonValueKind.Null ? null : p.Value;
        return null;
    }

    public bool Has(string field) => Get(field) is not null;

    public string? String(string field, bool required = false)
    {
        var v = Get(field);
        if (v is null)
        {
            if (required) Error(field, "is required");
            return null;
        }
        if (v.Value.ValueKind != JsonValueKind.String) { Error(field, $"must be a string (got {Describe(v.Value)})"); return null; }
        var s = v.Value.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s)) { Error(field, "must not be empty"); return null; }
        return s;
    }

    public double? Number(string field, double min, double max, bool minExclusive = false)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetDouble(out var d) || !double.IsFinite(d))
        {
            Error(field, $"must be a number (got {Describe(v.Value)})");
            return null;
        }
        var low = minExclusive ? d <= min : d < min;
        if (low || d > max)
        {
            Error(field, $"must be in {(minExclusive ? "(" : "[")}{Fmt(min)}, {Fmt(max)}] (got {Fmt(d)})");
            return null;
        }
        return d;
    }

    public int? Int(string field, int min, int max)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind != JsonValueKind.Number || !v.Value.TryGetInt64(out var n))
        {
            Error(field, $"must be a whole number (got {Describe(v.Value)})");
            return null;
        }
        if (n < min || n > max) { Error(field, $"must be in [{min}, {max}] (got {n})"); return null; }
        return (int)n;
    }

    public bool? Bool(string field)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error(field, $"must be true or false (got {Describe(v.Value)})");
            return null;
        }
        return v.Value.GetBoolean();
    }

    /// <summary>A duration in (0, <paramref name="max"/>]: seconds as a number, "hh:mm:ss", or "90s", "15m", "2h".</summary>
    public TimeSpan? Duration(string field, TimeSpan max)
    {
        var v = Get(field);
        if (v is null) return null;
        double? seconds = null;
        if (v.Value.ValueKind == JsonValueKind.Number && v.Value.TryGetDouble(out var s) && double.IsFinite(s)) seconds = s;
        else if (v.Value.ValueKind == JsonValueKind.String) seconds = DurationSeconds(v.Value.GetString()!);
        if (seconds is null) { Error(field, $"must be seconds, \"hh:mm:ss\" or like \"15m\" (got {Describe(v.Value)})"); return null; }
        if (!(seconds > 0) || seconds > max.TotalSeconds)
        {
            Error(field, $"must be more than 0 s and at most {max.TotalDays:F0} days (got {Describe(v.Value)})");
            return null;
        }
        return TimeSpan.FromSeconds(seconds.Value);
    }

    /// <summary>A duration in any range TimeSpan holds, or null when the text is not one (or is too large).</summary>
    public static TimeSpan? ParseDuration(string text) =>
        DurationSeconds(text) is { } s && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(s) : null;

    /// <summary>Seconds of "90", "90s", "15m", "2h" or "hh:mm:ss"; null when not a finite duration.</summary>
    private static double? DurationSeconds(string text)
    {
        text = text.Trim();
        double? seconds = null;
        if (text.Length > 1 && "smh".Contains(char.ToLowerInvariant(text[^1]))
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            seconds = n * char.ToLowerInvariant(text[^1]) switch { 's' => 1, 'm' => 60, _ => 3600 };
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs)) seconds = secs;
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts)) seconds = ts.TotalSeconds;
        return seconds is { } v && double.IsFinite(v) ? v : null;
    }

    public JsonFieldReader? Object(string field)
    {
        var v = Get(field);
        if (v is null) return null;
        if (v.Value.ValueKind != JsonValueKind.Object) { Error(field, $"must be an object (got {Describe(v.Value)})"); return null; }
        return new JsonFieldReader(v.Value, PathOf(field), _errors);
    }

    /// <summary>The raw value (any kind), e.g. plugin-specific settings passed through untouched.</summary>
    public JsonElement? Raw(string field) => Get(field)?.Clone();

    public JsonValueKind KindOf(string field) => Get(field)?.ValueKind ?? JsonValueKind.Undefined;

    /// <summary>Reports every field that was never asked for.</summary>
    public void RejectUnknown()
    {
        foreach (var p in _object.EnumerateObject())
        {
            if (_known.Contains(p.Name)) continue;
            var guess = _known.OrderBy(k => Levenshtein(k.ToLowerInvariant(), p.Name.ToLowerInvariant())).FirstOrDefault();
            var hint = guess is not null && Levenshtein(guess.ToLowerInvariant(), p.Name.ToLowerInvariant()) <= 3 ? $" (did you mean '{guess}'?)" : "";
            _errors.Add($"{PathOf(p.Name)}: unknown field{hint}; known fields here: {string.Join(", ", _known)}");
        }
    }

    private static string Describe(JsonElement v)
    {
        var text = v.ValueKind switch
        {
            JsonValueKind.String => $"\"{v.GetString()}\"",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => v.GetRawText(),
        };
        return text.Length > 64 ? text[..64] + "…" : text;
    }

    private static string Fmt(double d) => d.ToString("G6", CultureInfo.InvariantCulture);

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
