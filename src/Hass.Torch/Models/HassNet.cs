using Hass.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>Called with the (quantised) input of every convolution while an observer is attached.</summary>
public delegate void ConvInputObserver(NetNode conv, Tensor input);

/// <summary>
/// A CNN as an explicit list of named nodes in topological order. Modules are registered under their dotted
/// path in nested containers, so state_dict keys match TorchVision's (e.g. "layer1.0.conv1.weight") and PyTorch
/// checkpoints load directly. The node list is also the source of the hardware graph (<see cref="ToGraph"/>),
/// of the pruning sites and of the profiler's hooks.
/// </summary>
public sealed class HassNet : nn.Module<Tensor, Tensor>
{
    private readonly List<NetNode> _nodes;
    private readonly Dictionary<string, NetNode> _byName;
    /// <summary>Index of the last node that reads each node's output (its own index when none does).</summary>
    private readonly Dictionary<string, int> _lastUse;

    internal HassNet(string modelName, TensorShape inputShape, int classes, List<NetNode> nodes) : base(modelName)
    {
        ModelName = modelName;
        InputShape = inputShape;
        Classes = classes;
        _nodes = nodes;
        _byName = nodes.ToDictionary(n => n.Name);
        _lastUse = nodes.Select((n, i) => (n.Name, i)).ToDictionary(p => p.Name, p => p.i);
        for (int i = 0; i < nodes.Count; i++)
            foreach (var used in nodes[i].Inputs) _lastUse[used] = i;
        var scopes = new Dictionary<string, nn.Module>();
        foreach (var node in nodes.Where(n => n.Module is not null))
            RegisterAtPath(node.Name, node.Module!, scopes);
    }

    public string ModelName { get; }
    public TensorShape InputShape { get; }
    public int Classes { get; }
    public IReadOnlyList<NetNode> Nodes => _nodes;
    public NetNode Node(string name) => _byName.TryGetValue(name, out var n) ? n : throw new KeyNotFoundException($"model '{ModelName}' has no layer '{name}'");

    /// <summary>Emulate 16-bit fixed point on every intermediate value (see <see cref="FixedPoint"/>).</summary>
    public bool FixedPointActivations { get; set; }

    /// <summary>
    /// Narrow activations (8-bit): every node's output rounded to fixed &lt;bits, F[node]&gt; instead of fixed &lt;16, 8&gt;
    /// (with <see cref="FixedPointActivations"/> on); null for the 16-bit path. Set by <see cref="ActivationFormats"/>.
    /// </summary>
    public ActivationFormats? NarrowActivations { get; set; }

    /// <summary>Called with every node's output (before rounding) while set; used to calibrate activation formats.</summary>
    public Action<NetNode, Tensor>? OutputObserver { get; set; }

    /// <summary>True once BatchNorm has been folded into the convolutions (<see cref="FoldBatchNorm"/>).</summary>
    public bool Folded { get; internal set; }

    public ConvInputObserver? ConvObserver { get; set; }

    public IEnumerable<NetNode> WeightNodes => _nodes.Where(n => n.Op is NodeOp.Conv or NodeOp.Linear);
    public IEnumerable<NetNode> ActivationNodes => _nodes.Where(n => n.Op == NodeOp.Activation);

    /// <summary>
    /// Runs the nodes in order. Without autograd (inference), each node's output is dropped as soon as its last consumer
    /// has run and fixed-point rounding happens in place, so a pass keeps only the live activations in memory.
    /// </summary>
    public override Tensor forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(_nodes.Count);
        bool inference = !is_grad_enabled();
        Tensor last = input;
        for (int i = 0; i < _nodes.Count; i++)
        {
            var node = _nodes[i];
            var output = Compute(node, values, input);
            OutputObserver?.Invoke(node, output);
            output = Round(node, output, inference);
            values[node.Name] = output;
            last = output;
            if (inference) ReleaseInputsLastUsedBy(i, values, input);
        }
        return last;
    }

    private Tensor Compute(NetNode node, Dictionary<string, Tensor> values, Tensor input)
    {
        switch (node.Op)
        {
            case NodeOp.Input:
                return !FixedPointActivations ? input
                    : NarrowActivations is { } narrow ? narrow.Quantise(node, input) : FixedPoint.QuantiseActivations(input);
            case NodeOp.Conv:
                var x = values[node.Inputs[0]];
                ConvObserver?.Invoke(node, x);
                return node.CallModule(x);
            case NodeOp.Add:
                using (var one = 1.ToScalar())   // `a + b` would convert its alpha implicitly: see ActivationSite.forward
                    return values[node.Inputs[0]].add(values[node.Inputs[1]], one);
            case NodeOp.Mul:
                return values[node.Inputs[0]] * values[node.Inputs[1]];
            case NodeOp.Concat:
                return cat(node.Inputs.Select(i => values[i]).ToArray(), 1);
            case NodeOp.Flatten:
                return values[node.Inputs[0]].flatten(1);
            case NodeOp.GlobalPool:
                return values[node.Inputs[0]].mean(new long[] { 2, 3 }, keepdim: true);
            default:
                return node.CallModule(values[node.Inputs[0]]);
        }
    }

    /// <summary>
    /// Fixed-point rounding of a node's output: with narrow (8-bit) activations every node to its own format (the
    /// input is rounded in <see cref="Compute"/>); at 16 bits the nodes that leave the grid, in place without autograd.
    /// </summary>
    private Tensor Round(NetNode node, Tensor output, bool inference)
    {
        if (!FixedPointActivations) return output;
        if (NarrowActivations is { } narrow) return node.Op == NodeOp.Input ? output : narrow.Quantise(node, output);
        if (!ProducesOffGridValues(node)) return output;
        return inference ? FixedPoint.QuantiseActivationsInPlace(output) : FixedPoint.QuantiseActivations(output);
    }

    /// <summary>Disposes the inputs of node <paramref name="index"/> no later node reads (a tensor another live value aliases stays).</summary>
    private void ReleaseInputsLastUsedBy(int index, Dictionary<string, Tensor> values, Tensor input)
    {
        foreach (var name in _nodes[index].Inputs)
        {
            if (_lastUse[name] != index || !values.Remove(name, out var dead)) continue;
            if (ReferenceEquals(dead, input) || values.Values.Any(v => ReferenceEquals(v, dead))) continue;
            dead.Dispose();
        }
    }

    /// <summary>
    /// Whether a node's output must be rounded to the fixed-point grid: ReLU/ReLU6 (thresholded or not), max
    /// pooling, flatten, dropout and BN (absent once folded) keep grid values on the grid, so rounding them again
    /// would change nothing.
    /// </summary>
    private static bool ProducesOffGridValues(NetNode node) => node.Op switch
    {
        NodeOp.Input or NodeOp.Flatten or NodeOp.Dropout or NodeOp.BatchNorm or NodeOp.MaxPool or NodeOp.Concat => false,
        NodeOp.Activation => node.Activation is not (ActivationKind.ReLU or ActivationKind.ReLU6),
        _ => true,
    };

    /// <summary>The hardware-facing graph: BatchNorm folded away (its conv gets a bias), dropout removed (<see cref="HardwareGraph"/>).</summary>
    public NetworkGraph ToGraph() => HardwareGraph.Of(this);

    /// <summary>A new network with every BatchNorm that follows a convolution folded into it (<see cref="BatchNormFolding"/>).</summary>
    public HassNet FoldBatchNorm() => BatchNormFolding.Fold(this);

    /// <summary>Rounds every Conv/Linear weight tensor to <paramref name="bits"/>-bit per-tensor dynamic fixed point, in place.</summary>
    public void QuantiseWeights(int bits = 16)
    {
        using var _ = no_grad();
        foreach (var node in WeightNodes)
            FixedPoint.QuantiseWeightsInPlace(node.Weight, bits);
    }

    private void RegisterAtPath(string path, nn.Module module, Dictionary<string, nn.Module> scopes)
    {
        var parts = path.Split('.');
        nn.Module parent = this;
        var prefix = "";
        for (int i = 0; i < parts.Length - 1; i++)
        {
            prefix = prefix.Length == 0 ? parts[i] : prefix + "." + parts[i];
            if (!scopes.TryGetValue(prefix, out var scope))
            {
                scope = new ModuleScope(parts[i]);
                parent.register_module(parts[i], scope);
                scopes[prefix] = scope;
            }
            parent = scope;
        }
        parent.register_module(parts[^1], module);
    }

    /// <summary>A named container that only gives its children their dotted path.</summary>
    private sealed class ModuleScope(string name) : nn.Module(name);
}
