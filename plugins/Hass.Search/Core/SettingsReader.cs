using System.Text.Json;

namespace Hass.Search.Core;

/// <summary>
/// Reads a strategy's settings object (camelCase keys, case-insensitive). Unknown keys and values of the wrong
/// type or out of range are refused with a message naming the strategy, the key and what is allowed.
/// </summary>
public sealed class SettingsReader
{
    private readonly string _strategy;
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _known = new(StringComparer.OrdinalIgnoreCase);

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
                throw new ArgumentException($"search strategy '{strategy}': settings must be a JSON object, got {settings.ValueKind}");
        }
    }

    private Exception Bad(string key, string expected, JsonElement got) =>
        new ArgumentException($"search strategy '{_strategy}': setting '{key}' must be {expected}, got {got.GetRawText()}");

    public bool Has(string key) { _known.Add(key); return _values.ContainsKey(key); }

    public double Double(string key, double fallback, double min = double.NegativeInfinity, double max = double.PositiveInfinity)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetDouble(out var v) || !double.IsFinite(v) || v < min || v > max)
            throw Bad(key, $"a number in [{min}, {max}]", e);
        return v;
    }

    public double? OptionalDouble(string key, double min = double.NegativeInfinity, double max = double.PositiveInfinity) =>
        Has(key) && _values[key].ValueKind != JsonValueKind.Null ? Double(key, 0, min, max) : null;

    public int Int(string key, int fallback, int min = int.MinValue, int max = int.MaxValue)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt32(out var v) || v < min || v > max)
            throw Bad(key, $"an integer in [{min}, {max}]", e);
        return v;
    }

    public int? OptionalInt(string key, int min = int.MinValue, int max = int.MaxValue) =>
        Has(key) && _values[key].ValueKind != JsonValueKind.Null ? Int(key, 0, min, max) : null;

    public bool Bool(string key, bool fallback)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        return e.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Bad(key, "true or false", e),
        };
    }

    public string Choice(string key, string fallback, params string[] allowed)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return fallback;
        var s = e.ValueKind == JsonValueKind.String ? e.GetString() : null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, s, StringComparison.OrdinalIgnoreCase));
        return match ?? throw Bad(key, "one of " + string.Join(", ", allowed.Select(a => $"\"{a}\"")), e);
    }

    /// <summary>A list of numbers (e.g. [0.5, 1]), or null when absent.</summary>
    public IReadOnlyList<double[]>? NumberPairs(string key)
    {
        _known.Add(key);
        if (!_values.TryGetValue(key, out var e) || e.ValueKind == JsonValueKind.Null) return null;
        const string expected = "a list of [weight, activation] pairs of numbers in [0, 1], e.g. [[1, 0], [1, 1]]";
        if (e.ValueKind != JsonValueKind.Array) throw Bad(key, expected, e);
        var pairs = new List<double[]>();
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != 2) throw Bad(key, expected, e);
            var pair = item.EnumerateArray().Select(x => x.ValueKind == JsonValueKind.Number ? x.GetDouble() : double.NaN).ToArray();
            if (pair.Any(v => !(v >= 0 && v <= 1)) || pair.All(v => v == 0)) throw Bad(key, expected, e);
            pairs.Add(pair);
        }
        if (pairs.Count == 0) throw Bad(key, expected, e);
        return pairs;
    }

    /// <summary>Call after reading every setting: refuses keys the strategy does not know (typos).</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Where(k => !_known.Contains(k)).OrderBy(k => k, StringComparer.Ordinal).ToList();
        if (unknown.Count > 0)
            throw new ArgumentException($"search strategy '{_strategy}': unknown setting(s) {string.Join(", ", unknown.Select(k => $"'{k}'"))}; " +
                                        $"known settings are {string.Join(", ", _known.OrderBy(k => k, StringComparer.Ordinal))} (see docs/search.md)");
    }
}
