using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// What the engine checks of the pruned network an evaluator's Export returns before it is written (`hass export`, `hass model
/// export`, `hass design --export`) or sent to a board (docs/models.md, "What the engine checks of an evaluation"): there is a
/// network; its graph is the evaluator's; every Conv and Linear layer of the graph has exactly one weight tensor, of the size its
/// shape gives and of finite numbers, with a bias that is absent or one finite number per filter, and no other layer has one;
/// every activation threshold names a layer of the graph and is a finite number ≥ 0; and fixed-point formats, when given, have
/// widths of 1 to 32 bits and a fraction-bit table.
/// </summary>
public static class DeployableNetworkCheck
{
    /// <summary>What is wrong with <paramref name="network"/> (to follow "returned a network from Export"), or null when nothing is.</summary>
    public static string? Problem(DeployableNetwork? network, NetworkGraph graph)
    {
        if (network is null) return "that is null";
        if (network.Graph is null || network.Graph.ContentHash() != graph.ContentHash())
            return $"for another graph than its own ('{network.Graph?.Name}' of {network.Graph?.Layers?.Count ?? 0} layers; its graph is '{graph.Name}' of {graph.Layers.Count})";
        return TensorsProblem(network.Tensors, graph) ?? ThresholdsProblem(network.ActivationThresholds, graph) ?? FormatsProblem(network.Formats);
    }

    private static string? TensorsProblem(IReadOnlyList<LayerTensors>? tensors, NetworkGraph graph)
    {
        if (tensors is null) return "whose Tensors is null";
        if (tensors.Any(t => t is null)) return "with a null entry in its Tensors";
        var byLayer = tensors.GroupBy(t => t.Layer).ToDictionary(g => g.Key ?? "", g => g.Count(), StringComparer.Ordinal);
        var weighted = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear).ToList();
        if (byLayer.Keys.FirstOrDefault(name => !weighted.Any(l => l.Name == name)) is { } foreign)
            return $"with weights for '{foreign}', which is no Conv or Linear layer of the graph";
        if (weighted.FirstOrDefault(l => byLayer.GetValueOrDefault(l.Name) != 1) is { } layer)
            return (byLayer.GetValueOrDefault(layer.Name) is 0 ? "without a weight tensor" : $"with {byLayer[layer.Name]} weight tensors") +
                   $" for layer '{layer.Name}' (every Conv and Linear layer has one)";
        foreach (var tensor in tensors)
        {
            var shape = graph[tensor.Layer];
            var expected = shape.Parameters - (shape.HasBias ? shape.Filters : 0);
            if (tensor.Weights is null || tensor.Weights.LongLength != expected)
                return $"with {tensor.Weights?.LongLength ?? 0} weights for layer '{tensor.Layer}' (its shape holds {expected})";
            if (tensor.Bias is { } bias && bias.Length != shape.Filters)
                return $"with a bias of {bias.Length} values for layer '{tensor.Layer}' (it has {shape.Filters} filters)";
            if (!tensor.Weights.All(float.IsFinite) || tensor.Bias?.All(float.IsFinite) == false)
                return $"with a weight or bias of layer '{tensor.Layer}' that is not a finite number";
        }
        return null;
    }

    private static string? ThresholdsProblem(IReadOnlyDictionary<string, double>? thresholds, NetworkGraph graph)
    {
        if (thresholds is null) return "whose ActivationThresholds is null";
        var names = graph.Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var (layer, threshold) in thresholds)
        {
            if (!names.Contains(layer)) return $"with an activation threshold for '{layer}', which is not a layer of the graph";
            if (!double.IsFinite(threshold) || threshold < 0)
                return $"with an activation threshold of {DesignCheck.Number(threshold)} for layer '{layer}' (it must be a finite number ≥ 0)";
        }
        return null;
    }

    private static string? FormatsProblem(FixedPointFormats? formats) => formats switch
    {
        null => null,
        { ActivationBits: < 1 or > 32 } or { WeightBits: < 1 or > 32 } =>
            $"with fixed-point formats of {formats.ActivationBits}-bit activations and {formats.WeightBits}-bit weights (widths are 1 to 32 bits)",
        { ActivationFractionBits: null } => "whose fixed-point formats have no ActivationFractionBits",
        _ => null,
    };
}
