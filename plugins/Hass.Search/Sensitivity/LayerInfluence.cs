using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Strategies;

namespace Hass.Search.Sensitivity;

/// <summary>
/// Which hardware layers each threshold dimension sparsifies, learnt from the sensitivity sweep: a sweep probe
/// prunes one dimension alone, so the layers whose measured sparsity (metric <c>sparsity:&lt;layer&gt;</c>) rose
/// above the layer's lowest sweep value are the ones that dimension feeds. An activation site's threshold sparsifies
/// the input of the layer(s) after it, which the search space alone does not say; a weight dimension
/// <c>w:&lt;layer&gt;</c> always feeds its own layer.
/// </summary>
public sealed class LayerInfluence
{
    /// <summary>A rise below this (share of zero products) is noise, not influence.</summary>
    private const double MinimumRise = 0.02;

    private readonly Dictionary<int, HashSet<string>> _layers = [];

    /// <summary>Learns the influence from the points of <paramref name="history"/> with at most one threshold dimension pruned (the sweep's probes, the unpruned warm start).</summary>
    public LayerInfluence(SpaceCodec codec, ThresholdScale scale, IEnumerable<TrialOutcome> history)
    {
        var withSparsity = history.Where(o => o.Metrics is not null && o.Metrics.Keys.Any(k => k.StartsWith(OutcomeMetrics.SparsityPrefix, StringComparison.Ordinal))
                                              && PrunedAlone(scale, o.Parameters) != Several).ToList();
        var floor = LayerMetrics.LowestSparsity(withSparsity);
        foreach (var d in scale.ThresholdDims)
        {
            var layers = new HashSet<string>();
            var name = codec.Dimensions[d].Name;
            if (codec.GroupOf(d) == ThresholdGroup.Weight) layers.Add(name[SpaceCodec.WeightPrefix.Length..]);
            var probe = withSparsity.Where(o => PrunedAlone(scale, o.Parameters) == d)
                .OrderByDescending(o => scale.FractionOf(d, o.Parameters)).FirstOrDefault();
            if (probe is not null)
            {
                var rises = LayerMetrics.Of(probe, OutcomeMetrics.SparsityPrefix).Select(s => (s.Layer, Rise: s.Value - floor[s.Layer])).ToList();
                var top = rises.Select(r => r.Rise).DefaultIfEmpty(0).Max();
                layers.UnionWith(rises.Where(r => r.Rise >= Math.Max(MinimumRise, 0.5 * top)).Select(r => r.Layer));
            }
            _layers[d] = layers;
        }
    }

    /// <summary>The layers dimension <paramref name="d"/> sparsifies (empty when unknown).</summary>
    public IReadOnlySet<string> LayersOf(int d) => _layers.TryGetValue(d, out var set) ? set : new HashSet<string>();

    /// <summary>The layers within <paramref name="band"/> of the slowest stage of a trial's design (empty without cycle metrics).</summary>
    public static HashSet<string> SlowestLayers(TrialOutcome outcome, double band)
    {
        var cycles = LayerMetrics.Of(outcome, OutcomeMetrics.CyclesPrefix).ToList();
        if (cycles.Count == 0) return [];
        var slowest = cycles.Max(c => c.Value);
        return cycles.Where(c => c.Value >= (1 - band) * slowest).Select(c => c.Layer).ToHashSet();
    }

    /// <summary>A stage within this share of its floor has nothing left for zeros to take.</summary>
    private const double FloorBand = 0.01;

    /// <summary>Whether <paramref name="layer"/>'s cycles in a trial's design are at its floor (<c>floor:&lt;layer&gt;</c>); false without the metric.</summary>
    public static bool AtFloor(TrialOutcome outcome, string layer) =>
        outcome.Metrics is { } m && m.TryGetValue(OutcomeMetrics.FloorPrefix + layer, out var floor) && m.TryGetValue(OutcomeMetrics.CyclesPrefix + layer, out var cycles)
        && cycles <= floor * (1 + FloorBand);

    public const int None = -1, Several = -2;

    /// <summary>The one threshold dimension pruned in <paramref name="p"/>, <see cref="None"/> or <see cref="Several"/>.</summary>
    public static int PrunedAlone(ThresholdScale scale, ParameterSet p)
    {
        var pruned = scale.Pruned(p, atMost: 2);
        return pruned.Count switch { 0 => None, 1 => pruned[0], _ => Several };
    }
}
