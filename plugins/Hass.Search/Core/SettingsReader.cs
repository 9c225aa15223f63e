using System.Globalization;
using System.Text.Json;
using Hass.Abstractions;

namespace Hass.Search.Core;

/// <summary>
/// Reads a strategy's settings object (camelCase keys, case-insensitive). Unknown keys and values of the wrong
/// type or out of range are collected as <see cref="Problems"/>, each naming the key and what is allowed; a
/// value with a problem reads as its default so every problem is found in one pass.
/// </summary>
public sealed class SettingsReader
{
    private readonly string _strategy;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<SettingProblem> _problems = [];

    public SettingsReader(string strategy, JsonElement settings)
    {
        _strategy = strategy;
        switch (settings.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                break;
            case JsonValueKind.Object:
                foreach (var p in settings.EnumerateObject()) _values[p.Name] = p.Value;
                break;
            default:
                _problems.Add(new SettingProblem("", $"settings of search strategy '{strategy}' must be a JSON object, got {settings.ValueKind.ToString().ToLowerInvariant()}"));
                break;
        }
    }

    /// <summary>Every problem found so far (call <see cref="RejectUnknown"/> first to include unknown keys).</summary>
    public IReadOnlyList<SettingProblem> Problems => _problems;

    /// <summary>Throws one <see cref="ArgumentException"/> naming the strategy and every problem, if there are any.</summary>
    public void ThrowIfInvalid()
    {
        if (_problems.Count > 0)
            throw new ArgumentException($"search strategy '{_strategy}': " + string.Join("; ", _problems.Select(p => p.Key.Length == 0 ? p.Message : $"setting {p}")));
    }

    private void Bad(string key, string expected, JsonElement got) =>
        _problems.Add(new SettingProblem(key, $"must be {expected} (got {Show(got)})"));

    private static string Show(JsonElement e)
    {
        var text = e.ValueKind switch { JsonValueKind.Object => "an object", JsonValueKind.Array => "an array", _ => e.GetRawText() };
        return text.Length > 40 ? text[..40] + "…" : text;
    }

    private static string Fmt(double d) => d.ToString("G6", CultureInfo.InvariantCulture);

    public bool Has(string key) { _known.Add(key); return _values.ContainsKey(key); }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v) || v < min || v > max)
        {
            Bad(key, $"a number in [{Fmt(min)}, {Fmt(max)}]", e);
            return fallback;
        }
        return v;
    }

    public double? OptionalDouble(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        if (!Has(key) || _values[key].ValueKind == JsonValueKind.Null) return null;
        var before = _problems.Count;
        var v = Double(key, 0, min, max);
        return _problems.Count == before ? v : null;
    }

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var v) || v < min || v > max)
        {
            Bad(key, $"an integer in [{min}, {max}]", e);
            return fallback;
        }
        return v;
    }

    public int? OptionalInt(string key, int min = int.MinValue, int max = int.MaxValue)
    {
        if (!Has(key) || _values[key].ValueKind == JsonValueKind.Null) return null;
        var before = _problems.Count;
        var v = Int(key, 0, min, max);
        return _problems.Count == before ? v : null;
    }

    public bool Bool(string key, bool fallback)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        switch (e.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            default: Bad(key, "true or false", e); return fallback;
        }
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        var s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        if (match is null) Bad(key, "one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")), e);
        return match ?? fallback;
    }

    /// <summary>A list of numbers (e.g. [0.5, 1]), or null when absent (or invalid).</summary>
    public IReadOnlyList<double[]>? NumberPairs(string key)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        const string expected = "a list of [weight, activation] pairs of numbers in [0, 1], e.g. [[1, 0], [1, 1]]";
        if (e.ValueKind != JsonValueKind.Array) { Bad(key, expected, e); return null; }
        var pairs = new List<double[]>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2) { Bad(key, expected, e); return null; }
            var pair = item.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number && x.TryGetDouble(out var d) ? d : double.NaN).ToArray();
            if (pair.Any(v => !(v >= 0 && v <= 1)) || pair.All(v => v == 0)) { Bad(key, expected, e); return null; }
            pairs.Add(pair);
        }
        if (pairs.Count == 0) { Bad(key, expected, e); return null; }
        return pairs;
    }

    /// <summary>Call after reading every setting: records keys the strategy does not know (typos) as problems.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_known.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        foreach (var k in unknown)
            _problems.Add(new SettingProblem(k, $"unknown setting of search strategy '{_strategy}'; known settings are {string.Join(", ", _known.OrderBy(n => n, StringComparer.Ordinal))} (see docs/search.md)"));
    }
}
