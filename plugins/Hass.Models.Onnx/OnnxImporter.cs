using Hass.Abstractions;
using Hass.Models.Onnx.Proto;
using Hass.Torch.Models;
using Hass.Torch.Training;

namespace Hass.Models.Onnx;

/// <summary>
/// Turns the nodes of an ONNX graph, in order, into <see cref="NetBuilder"/> calls, so an imported network is
/// the same kind of <see cref="HassNet"/> as a zoo model (graph, pruning sites, folding, profiling). Two
/// PyTorch export patterns are fused: HardSigmoid(x)·x is a hardswish (opsets before 14) and MatMul + Add of a
/// constant is a linear layer. Weights are copied in after the network is built.
/// </summary>
internal sealed class OnnxImporter
{
    private static readonly HashSet<string> ModuleOps =
        ["Conv", "Gemm", "MatMul", "BatchNormalization", "Relu", "Clip", "HardSigmoid", "HardSwish", "LeakyRelu", "Sigmoid", "MaxPool", "AveragePool", "Dropout"];

    private readonly OnnxModelFile _file;
    private readonly NetBuilder _builder;
    private readonly Dictionary<string, string> _values = [];
    private readonly Dictionary<string, OnnxConstant> _constants;
    private readonly Dictionary<string, List<NodeProto>> _consumers = [];
    private readonly HashSet<NodeProto> _fused = [];
    private readonly Dictionary<NodeProto, string> _names;
    private readonly OnnxLayers _layers;

    public OnnxImporter(OnnxModelFile file, string modelName)
    {
        _file = file;
        _builder = new NetBuilder(modelName, file.InputShape);
        _constants = new Dictionary<string, OnnxConstant>(file.Initializers);
        _values[file.InputName] = _builder.Input;
        foreach (var node in file.Graph.Node)
            foreach (var input in node.Input)
                (_consumers.TryGetValue(input, out var list) ? list : _consumers[input] = []).Add(node);
        _names = OnnxNaming.Assign(file.Graph.Node.Where(n => n.OpType != "Constant"), n => ModuleOps.Contains(n.OpType));
        _layers = new OnnxLayers(_builder, this);
    }

    public HassNet Build()
    {
        foreach (var node in _file.Graph.Node)
        {
            if (_fused.Contains(node)) continue;
            var reader = new OnnxNodeReader(node, _file.Path);
            try
            {
                Translate(reader);
            }
            catch (ArgumentException e)
            {
                throw reader.Error(e.Message);   // the builder's shape checks
            }
            reader.CheckAllRead();
        }
        if (!_values.TryGetValue(_file.OutputName, out var output))
            throw new ModelException($"onnx model '{_file.Path}': the output '{_file.OutputName}' is not computed from the image input");
        var shape = _builder.ShapeOf(output);
        HassNet net;
        try
        {
            net = _builder.Build(shape.Channels);
        }
        catch (InvalidOperationException e)
        {
            throw new ModelException($"onnx model '{_file.Path}': {e.Message}; the output must be the last node, class scores N×classes");
        }
        _layers.CopyWeights(net);
        return net;
    }

    internal string Path => _file.Path;
    internal string NameOf(NodeProto node) => _names[node];

    /// <summary>The builder node computing an ONNX value; a constant here is an error naming the node.</summary>
    internal string Activation(OnnxNodeReader reader, int input)
    {
        var name = reader.Node.Input[input];
        if (_values.TryGetValue(name, out var node)) return node;
        if (_constants.ContainsKey(name)) throw reader.Error($"input {input} ('{name}') is a constant; only computed feature maps are supported there");
        throw reader.Error($"input '{name}' is not produced by a supported node before it");
    }

    internal OnnxConstant? Constant(OnnxNodeReader reader, int input) =>
        input < reader.Node.Input.Count && reader.Node.Input[input].Length > 0
            ? _constants.TryGetValue(reader.Node.Input[input], out var c) ? c : throw reader.Error($"input {input} ('{reader.Node.Input[input]}') must be a constant (initializer)")
            : null;

    internal OnnxConstant? TryConstant(string value) => _constants.GetValueOrDefault(value);

    internal void Produce(OnnxNodeReader reader, string node) => _values[reader.Node.Output[0]] = node;

    /// <summary>The single consumer of this node's output, when it is the only one.</summary>
    internal NodeProto? OnlyConsumer(NodeProto node) =>
        _consumers.TryGetValue(node.Output[0], out var list) && list.Count == 1 && node.Output[0] != _file.OutputName ? list[0] : null;

    internal void Fuse(NodeProto consumer, string node)
    {
        _fused.Add(consumer);
        _values[consumer.Output[0]] = node;
    }

    private void Translate(OnnxNodeReader r)
    {
        if (OnnxConstantFolding.Ops.Contains(r.Op) && r.Node.Input.All(i => i.Length == 0 || _constants.ContainsKey(i)))
        {
            _constants[r.Node.Output[0]] = OnnxConstantFolding.Fold(r, r.Node.Input.Where(i => i.Length > 0).Select(i => _constants[i]).ToList());
            return;
        }
        switch (r.Op)
        {
            case "Constant":
                var tensor = r.Tensor("value") ?? throw r.Error("only tensor-valued constants ('value') are supported");
                _constants[r.Node.Output[0]] = OnnxModelFile.Decode(tensor, _file.Path);
                break;
            case "Identity" or "Dropout":
                Alias(r);
                break;
            case "Conv": _layers.Conv(r); break;
            case "BatchNormalization": _layers.BatchNorm(r); break;
            case "Gemm": _layers.Gemm(r); break;
            case "MatMul": _layers.MatMul(r); break;
            case "MaxPool" or "AveragePool": _layers.Pool(r); break;
            case "Pad": _layers.ZeroPad(r); break;
            case "Relu": Produce(r, _builder.ReLU(NameOf(r.Node), Activation(r, 0))); break;
            case "Clip": _layers.Clip(r); break;
            case "HardSigmoid": _layers.HardSigmoid(r); break;
            case "HardSwish": Produce(r, _builder.Hardswish(NameOf(r.Node), Activation(r, 0))); break;
            case "LeakyRelu": Produce(r, _builder.LeakyReLU(NameOf(r.Node), Activation(r, 0), r.Float("alpha", 0.01f))); break;
            case "Sigmoid": Produce(r, _builder.Sigmoid(NameOf(r.Node), Activation(r, 0))); break;
            case "GlobalAveragePool": Produce(r, _builder.GlobalPool(NameOf(r.Node), Activation(r, 0))); break;
            case "Flatten" or "Reshape": _layers.Flatten(r); break;
            case "Add": Produce(r, _builder.Add(NameOf(r.Node), Activation(r, 0), Activation(r, 1))); break;
            case "Mul": _layers.Mul(r); break;
            case "Concat": _layers.Concat(r); break;
            default:
                throw r.Error($"operator '{r.Op}' is not supported (supported: {string.Join(", ", Supported)})");
        }
    }

    public static readonly string[] Supported =
    [
        "Conv", "BatchNormalization", "Relu", "Clip (ReLU6)", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Mul", "Add", "Concat", "MaxPool",
        "AveragePool", "GlobalAveragePool", "Flatten", "Reshape (flatten)", "Gemm", "MatMul", "Identity", "Dropout", "Constant", "Pad (zeros)",
        "ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast, Squeeze, Unsqueeze (of constants)",
    ];

    private void Alias(OnnxNodeReader r)
    {
        r.Float("ratio", 0.5f);
        r.Int("seed", 0);
        if (r.Op == "Dropout" && r.Node.Input.Count > 2 && r.Node.Input[2].Length > 0 && Constant(r, 2) is { } training && training.Ints.Any(v => v != 0))
            throw r.Error("training_mode = true is not supported (export the model in eval mode)");
        var input = r.Node.Input[0];
        if (_constants.TryGetValue(input, out var constant)) _constants[r.Node.Output[0]] = constant;
        else Produce(r, Activation(r, 0));
    }
}
