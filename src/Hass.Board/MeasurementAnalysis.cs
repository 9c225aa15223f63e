using Hass.Abstractions;

namespace Hass.Board;

/// <summary>Measured versus predicted, for reports and for the engine's calibration (measured/predicted per layer kind).</summary>
public static class MeasurementAnalysis
{
    /// <summary>Measured / predicted throughput; NaN when the design had no prediction.</summary>
    public static double ThroughputRatio(Measurement m) =>
        m.PredictedImagesPerSecond > 0 ? m.MedianImagesPerSecond / m.PredictedImagesPerSecond : double.NaN;

    /// <summary>
    /// Per layer kind: Σ measured cycles / Σ predicted cycles over the design's layers of that kind that have both
    /// (layers predicted at 0 cycles are left out). Sparse and dense convolutions are told apart by
    /// <paramref name="splitSparse"/>: keys are then "Conv/sparse" and "Conv/dense".
    /// </summary>
    public static IReadOnlyDictionary<string, double> LayerKindRatios(HardwareDesign design, Measurement m, bool splitSparse = true)
    {
        var measured = new Dictionary<string, double>();
        var predicted = new Dictionary<string, double>();
        foreach (var l in design.Layers)
        {
            if (l.Cycles <= 0 || !m.LayerCycles.TryGetValue(l.Layer, out var cycles)) continue;
            var key = splitSparse && l.Kind == LayerKind.Conv ? (l.Sparse ? "Conv/sparse" : "Conv/dense") : l.Kind.ToString();
            measured[key] = measured.GetValueOrDefault(key) + cycles;
            predicted[key] = predicted.GetValueOrDefault(key) + l.Cycles;
        }
        return measured.ToDictionary(kv => kv.Key, kv => kv.Value / predicted[kv.Key]);
    }
}
