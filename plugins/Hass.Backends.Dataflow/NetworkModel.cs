using Hass.Abstractions;

namespace Hass.Backends.Dataflow;

/// <summary>The graph turned into <see cref="Node"/>s, in topological order (index 0 is the Input).</summary>
public sealed class NetworkModel
{
    public NetworkGraph Graph { get; }
    public IReadOnlyList<Node> Nodes { get; }
    public bool SparseEnabled { get; }

    private NetworkModel(NetworkGraph graph, List<Node> nodes, bool sparse)
    {
        Graph = graph;
        Nodes = nodes;
        SparseEnabled = sparse;
    }

    /// <summary>
    /// Builds the model. With <paramref name="sparse"/>, a conv whose profile histogram has mean sparsity
    /// ≥ <paramref name="denseBelowSparsity"/> becomes a sparse conv (1×1: pointwise sparse); layers without a
    /// histogram are dense.
    /// </summary>
    /// <remarks>This overload keeps fpgaConvNet's average sparse figure (the reference model's behaviour).</remarks>
    public static NetworkModel Build(NetworkGraph graph, SparsityProfile profile, bool sparse, double denseBelowSparsity) =>
        Build(graph, profile, sparse, new DesignOptions { DenseBelowSparsity = denseBelowSparsity, SparseCycles = DesignOptions.AverageCycles });

    /// <summary>Builds the model with the cost-model settings of <paramref name="options"/>.</summary>
    public static NetworkModel Build(NetworkGraph graph, SparsityProfile profile, bool sparse, DesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = CostSettings.From(options);
        double denseBelowSparsity = options.DenseBelowSparsity;
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(profile);
        if (graph.Layers.Count == 0) throw new ArgumentException($"graph '{graph.Name}' has no layers");
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var histograms = new Dictionary<string, LayerSparsity>(StringComparer.Ordinal);
        foreach (var ls in profile.Layers) histograms[ls.Layer] = ls;
        var nodes = new List<Node>(graph.Layers.Count);
        foreach (var layer in graph.Layers)
        {
            if (byName.ContainsKey(layer.Name))
                throw new ArgumentException($"graph '{graph.Name}': layer name '{layer.Name}' appears twice; layer names must be unique");
            var inputs = new int[layer.Inputs.Count];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!byName.TryGetValue(layer.Inputs[i], out inputs[i]))
                    throw new ArgumentException($"graph '{graph.Name}': layer '{layer.Name}' reads '{layer.Inputs[i]}', which is not an earlier layer; list layers in topological order");
            }
            if (layer.Kind != LayerKind.Input && inputs.Length == 0)
                throw new ArgumentException($"graph '{graph.Name}': layer '{layer.Name}' ({layer.Kind}) has no inputs");
            if (inputs.Length == 1 && graph.Layers[inputs[0]] is { } source && source.OutputShape != layer.InputShape)
                throw new ArgumentException($"graph '{graph.Name}': layer '{layer.Name}' takes a {layer.InputShape} input, but '{source.Name}' gives {source.OutputShape}; " +
                    "a layer's inputShape must be its input's outputShape");
            histograms.TryGetValue(layer.Name, out var sparsity);
            var node = NodeFactory.Create(nodes.Count, layer, inputs, nodes, sparse ? sparsity : null, denseBelowSparsity);
            node.Inputs = inputs;
            node.Settings = settings;
            if (node.IsSparse)
            {
                node.DenseAlternative = ConvNodeFactory.Create(node.Index, layer, null, denseBelowSparsity);
                node.DenseAlternative.Inputs = inputs;
                node.DenseAlternative.Settings = settings;
            }
            node.HasBroadcastInput = layer.Kind == LayerKind.EltwiseMul && inputs.Length == 2
                && nodes[inputs[1]].Ho * nodes[inputs[1]].Wo == 1 && layer.InputShape.Rows * layer.InputShape.Cols > 1;
            foreach (var p in inputs) nodes[p].Consumers.Add(node.Index);
            byName[layer.Name] = node.Index;
            nodes.Add(node);
        }
        if (nodes[0].Implementation != NodeImplementation.Input)
            throw new ArgumentException($"graph '{graph.Name}': the first layer must be the Input node (got '{nodes[0].Name}', {nodes[0].Kind})");
        foreach (var n in nodes)
            if (n.DenseAlternative is { } alternative) alternative.Consumers.AddRange(n.Consumers);
        ComputeFillAndFifos(nodes);
        foreach (var n in nodes)
            if (n.DenseAlternative is { } alternative) alternative.FillFraction = n.FillFraction;
        return new NetworkModel(graph, nodes, sparse);
    }

    /// <summary>
    /// Fill fractions (how much of an image a node must see before it emits) and the skew FIFOs of merge nodes:
    /// a port whose data arrives earlier than the slowest port buffers the difference, at most one feature map.
    /// </summary>
    private static void ComputeFillAndFifos(List<Node> nodes)
    {
        var arrival = new double[nodes.Count];
        // "Burst" tensors are produced all at once at the end of an image (global pooling and what follows it, e.g.
        // the squeeze-excite FCs); a node fed only by bursts adds no fill of its own.
        var burst = new bool[nodes.Count];
        foreach (var n in nodes)
        {
            bool burstInput = n.Inputs.Length > 0;
            foreach (var p in n.Inputs) burstInput &= burst[p];
            burst[n.Index] = n.Implementation == NodeImplementation.GlobalPool || burstInput;
            n.FillFraction = burstInput && n.Implementation != NodeImplementation.GlobalPool ? 0 : n.Implementation switch
            {
                NodeImplementation.DenseConv or NodeImplementation.SparseConv or NodeImplementation.PointwiseSparseConv or NodeImplementation.Pool =>
                    Math.Min(1.0, ((n.Kh - 1) * (double)n.Wp + n.Kw) / ((double)n.Hp * n.Wp) + 1.0 / ((double)n.Ho * n.Wo)),
                NodeImplementation.GlobalPool or NodeImplementation.Linear => 1.0,
                _ => 0.0,
            };
            double latest = 0;
            foreach (var p in n.Inputs) latest = Math.Max(latest, arrival[p]);
            if (n.Implementation is NodeImplementation.EltwiseAdd or NodeImplementation.EltwiseMul or NodeImplementation.Concat)
            {
                var words = new double[n.Inputs.Length];
                for (int i = 0; i < n.Inputs.Length; i++)
                {
                    var producer = nodes[n.Inputs[i]];
                    double skew = Math.Min(1.0, latest - arrival[n.Inputs[i]]);
                    words[i] = Math.Ceiling(skew * producer.OutputWords);
                }
                n.PortFifoWords = words;
            }
            arrival[n.Index] = latest + n.FillFraction;
        }
    }
}
