using Hass.Abstractions;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>What a node of a <see cref="HassNet"/> computes.</summary>
public enum NodeOp { Input, Conv, BatchNorm, Activation, MaxPool, AvgPool, GlobalPool, Linear, Flatten, Add, Mul, Dropout, Concat }

/// <summary>
/// One step of a <see cref="HassNet"/>. The name is the TorchSharp module path (e.g. "layer1.0.conv1"); nodes
/// without a module (adds, flatten, squeeze-excite scaling) carry a path-like name of their own.
/// </summary>
public sealed class NetNode
{
    public required string Name { get; init; }
    public required NodeOp Op { get; init; }
    public required IReadOnlyList<string> Inputs { get; init; }
    public required TensorShape InputShape { get; init; }
    public required TensorShape OutputShape { get; init; }
    public nn.Module<Tensor, Tensor>? Module { get; internal set; }
    public int Kernel { get; init; } = 1;
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }
    public int Groups { get; init; } = 1;
    public bool Bias { get; init; }
    public ActivationKind Activation { get; init; }

    public Conv2d Conv => Module as Conv2d ?? throw new InvalidOperationException($"node '{Name}' is not a convolution");
    public Linear LinearModule => Module as Linear ?? throw new InvalidOperationException($"node '{Name}' is not a linear layer");
    public ActivationSite Site => Module as ActivationSite ?? throw new InvalidOperationException($"node '{Name}' is not an activation");

    /// <summary>Weight tensor of a Conv or Linear node.</summary>
    public Tensor Weight => Op switch
    {
        NodeOp.Conv => Conv.weight!,
        NodeOp.Linear => LinearModule.weight!,
        _ => throw new InvalidOperationException($"node '{Name}' has no weights"),
    };

    public Tensor? BiasTensor => Op switch
    {
        NodeOp.Conv => Conv.bias,
        NodeOp.Linear => LinearModule.bias,
        _ => null,
    };

    public override string ToString() => $"{Name} ({Op})";
}

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

    internal HassNet(string modelName, TensorShape inputShape, int classes, List<NetNode> nodes) : base(modelName)
    {
        ModelName = modelName;
        InputShape = inputShape;
        Classes = classes;
        _nodes = nodes;
        _byName = nodes.ToDictionary(n => n.Name);
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

    /// <summary>True once BatchNorm has been folded into the convolutions (<see cref="FoldBatchNorm"/>).</summary>
    public bool Folded { get; internal set; }

    public ConvInputObserver? ConvObserver { get; set; }

    public IEnumerable<NetNode> WeightNodes => _nodes.Where(n => n.Op is NodeOp.Conv or NodeOp.Linear);
    public IEnumerable<NetNode> ActivationNodes => _nodes.Where(n => n.Op == NodeOp.Activation);

    public override Tensor forward(Tensor input)
    {
        var values = new Dictionary<string, Tensor>(_nodes.Count);
        Tensor last = input;
        foreach (var node in _nodes)
        {
            Tensor output;
            switch (node.Op)
            {
                case NodeOp.Input:
                    output = FixedPointActivations ? FixedPoint.QuantiseActivations(input) : input;
                    break;
                case NodeOp.Conv:
                    var x = values[node.Inputs[0]];
                    ConvObserver?.Invoke(node, x);
                    output = node.Module!.call(x);
                    break;
                case NodeOp.Add:
                    output = values[node.Inputs[0]] + values[node.Inputs[1]];
                    break;
                case NodeOp.Mul:
                    output = values[node.Inputs[0]] * values[node.Inputs[1]];
                    break;
                case NodeOp.Concat:
                    output = cat(node.Inputs.Select(i => values[i]).ToArray(), 1);
                    break;
                case NodeOp.Flatten:
                    output = values[node.Inputs[0]].flatten(1);
                    break;
                case NodeOp.GlobalPool:
                    output = values[node.Inputs[0]].mean(new long[] { 2, 3 }, keepdim: true);
                    break;
                default:
                    output = node.Module!.call(values[node.Inputs[0]]);
                    break;
            }
            if (FixedPointActivations && ProducesOffGridValues(node))
                output = FixedPoint.QuantiseActivations(output);
            values[node.Name] = output;
            last = output;
        }
        return last;
    }

    /// <summary>
    /// Whether a node's output must be rounded to the fixed-point grid: ReLU/ReLU6 (thresholded or not), max
    /// pooling, flatten, dropout and BN (absent once folded) keep grid values on the grid, so rounding them again
    /// would change nothing.
    /// </summary>
    private static bool ProducesOffGridValues(NetNode node) => node.Op switch
    {
        NodeOp.Input or NodeOp.Flatten or NodeOp.Dropout or NodeOp.BatchNorm or NodeOp.MaxPool or NodeOp.Concat => false,
        NodeOp.Activation => node.Activation is ActivationKind.Hardswish or ActivationKind.Hardsigmoid,
        _ => true,
    };

    /// <summary>The hardware-facing graph: BatchNorm folded away (its conv gets a bias), dropout removed.</summary>
    public NetworkGraph ToGraph()
    {
        var alias = new Dictionary<string, string>();
        string Resolve(string name) => alias.TryGetValue(name, out var a) ? a : name;
        var foldedInto = _nodes.Where(n => n.Op == NodeOp.BatchNorm).Select(n => n.Inputs[0]).ToHashSet();
        var layers = new List<Layer>();
        foreach (var node in _nodes)
        {
            if (node.Op is NodeOp.BatchNorm or NodeOp.Dropout)
            {
                alias[node.Name] = Resolve(node.Inputs[0]);
                continue;
            }
            var kind = node.Op switch
            {
                NodeOp.Input => LayerKind.Input,
                NodeOp.Conv => LayerKind.Conv,
                NodeOp.Linear => LayerKind.Linear,
                NodeOp.MaxPool => LayerKind.MaxPool,
                NodeOp.AvgPool => LayerKind.AvgPool,
                NodeOp.GlobalPool => LayerKind.GlobalPool,
                NodeOp.Flatten => LayerKind.Flatten,
                NodeOp.Add => LayerKind.EltwiseAdd,
                NodeOp.Mul => LayerKind.EltwiseMul,
                NodeOp.Concat => LayerKind.Concat,
                NodeOp.Activation => node.Activation switch
                {
                    ActivationKind.ReLU => LayerKind.ReLU,
                    ActivationKind.ReLU6 => LayerKind.ReLU6,
                    ActivationKind.Hardswish => LayerKind.Hardswish,
                    _ => LayerKind.Hardsigmoid,
                },
                _ => throw new InvalidOperationException($"unexpected node {node}"),
            };
            int kernelRows = node.Kernel, kernelCols = node.Kernel;
            if (node.Op == NodeOp.GlobalPool) { kernelRows = node.InputShape.Rows; kernelCols = node.InputShape.Cols; }
            layers.Add(new Layer
            {
                Name = node.Name,
                Kind = kind,
                Inputs = node.Inputs.Select(Resolve).ToArray(),
                InputShape = node.InputShape,
                OutputShape = node.OutputShape,
                KernelRows = kernelRows,
                KernelCols = kernelCols,
                StrideRows = node.Op == NodeOp.GlobalPool ? 1 : node.Stride,
                StrideCols = node.Op == NodeOp.GlobalPool ? 1 : node.Stride,
                PadTop = node.Padding, PadBottom = node.Padding, PadLeft = node.Padding, PadRight = node.Padding,
                Groups = node.Groups,
                HasBias = node.Bias || foldedInto.Contains(node.Name),
            });
        }
        return new NetworkGraph { Name = ModelName, Layers = layers, Classes = Classes };
    }

    /// <summary>
    /// A new network with every BatchNorm that follows a convolution folded into it (eval-mode statistics):
    /// w' = w·γ/√(σ²+ε), b' = (b − μ)·γ/√(σ²+ε) + β. Same node names, so graph layers and pruning sites agree.
    /// </summary>
    public HassNet FoldBatchNorm()
    {
        using var _ = no_grad();
        var bnAfter = _nodes.Where(n => n.Op == NodeOp.BatchNorm).ToDictionary(n => n.Inputs[0]);
        foreach (var bn in bnAfter.Values)
            if (_byName[bn.Inputs[0]].Op != NodeOp.Conv)
                throw new NotSupportedException($"model '{ModelName}': BatchNorm '{bn.Name}' does not follow a convolution and cannot be folded");

        var nodes = new List<NetNode>();
        var alias = new Dictionary<string, string>();
        string Resolve(string name) => alias.TryGetValue(name, out var a) ? a : name;
        foreach (var node in _nodes)
        {
            if (node.Op == NodeOp.BatchNorm) { alias[node.Name] = Resolve(node.Inputs[0]); continue; }
            nn.Module<Tensor, Tensor>? module = node.Op switch
            {
                NodeOp.Conv => FoldedConv(node, bnAfter.GetValueOrDefault(node.Name)),
                NodeOp.Linear => CopyLinear(node.LinearModule),
                NodeOp.Activation => new ActivationSite(node.Activation) { Threshold = node.Site.Threshold },
                NodeOp.MaxPool => nn.MaxPool2d(node.Kernel, node.Stride, node.Padding),
                NodeOp.AvgPool => nn.AvgPool2d(node.Kernel, node.Stride, node.Padding),
                NodeOp.Dropout => nn.Dropout(),
                _ => null,
            };
            nodes.Add(new NetNode
            {
                Name = node.Name, Op = node.Op, Inputs = node.Inputs.Select(Resolve).ToArray(),
                InputShape = node.InputShape, OutputShape = node.OutputShape, Module = module,
                Kernel = node.Kernel, Stride = node.Stride, Padding = node.Padding, Groups = node.Groups,
                Bias = node.Bias || bnAfter.ContainsKey(node.Name), Activation = node.Activation,
            });
        }
        var folded = new HassNet(ModelName, InputShape, Classes, nodes) { Folded = true };
        folded.eval();
        return folded;
    }

    private static Conv2d FoldedConv(NetNode node, NetNode? bn)
    {
        var conv = node.Conv;
        var folded = nn.Conv2d(conv.in_channels, conv.out_channels, node.Kernel, stride: node.Stride, padding: node.Padding,
            groups: node.Groups, bias: true);
        var weight = conv.weight!.detach().clone();
        var bias = conv.bias is null ? zeros(conv.out_channels) : conv.bias.detach().clone();
        if (bn is not null)
        {
            var norm = (BatchNorm2d)bn.Module!;
            using var eps = norm.eps.ToScalar();   // explicit Scalars: see ActivationSite.forward
            var scale = norm.weight!.detach() / (norm.running_var!.detach() + eps).sqrt();
            weight = weight * scale.reshape(-1, 1, 1, 1);
            bias = (bias - norm.running_mean!.detach()) * scale + norm.bias!.detach();
        }
        folded.weight!.copy_(weight);
        folded.bias!.copy_(bias);
        return folded;
    }

    private static Linear CopyLinear(Linear source)
    {
        var copy = nn.Linear(source.in_features, source.out_features, hasBias: source.bias is not null);
        copy.weight!.copy_(source.weight!.detach());
        if (source.bias is not null) copy.bias!.copy_(source.bias.detach());
        return copy;
    }

    /// <summary>Rounds every Conv/Linear weight tensor to 16-bit per-tensor dynamic fixed point, in place.</summary>
    public void QuantiseWeights()
    {
        using var _ = no_grad();
        foreach (var node in WeightNodes)
            FixedPoint.QuantiseWeightsInPlace(node.Weight);
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
