using Hass.Abstractions;

namespace Hass.Search.Sensitivity;

/// <summary>The per-layer metrics a trial reports (<c>cycles:</c>, <c>sparsity:</c>, <c>resource:</c> followed by the layer's name).</summary>
public static class LayerMetrics
{
    /// <summary>Every finite metric of <paramref name="o"/> whose key starts with <paramref name="prefix"/>, by layer (none without metrics).</summary>
    public static IEnumerable<(string Layer, double Value)> Of(TrialOutcome o, string prefix) =>
        o.Metrics is null ? [] : o.Metrics.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal) && double.IsFinite(kv.Value))
            .Select(kv => (kv.Key[prefix.Length..], kv.Value));

    /// <summary>Each layer's lowest sparsity (share of zero products) over <paramref name="points"/>: the sweep's floor, from which its probes' rises count.</summary>
    public static Dictionary<string, double> LowestSparsity(IEnumerable<TrialOutcome> points)
    {
        var floor = new Dictionary<string, double>();
        foreach (var (layer, value) in points.SelectMany(o => Of(o, OutcomeMetrics.SparsityPrefix)))
            floor[layer] = floor.TryGetValue(layer, out var low) ? Math.Min(low, value) : value;
        return floor;
    }
}
