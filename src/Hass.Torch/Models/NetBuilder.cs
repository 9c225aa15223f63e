using Hass.Abstractions;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>
/// Builds a <see cref="HassNet"/> node by node with static shape inference. Every method takes the name of its
/// input node(s) and returns the new node's name, so model code reads like a forward pass:
/// <code>x = b.Conv("features.0", x, 32, 3, padding: 1); x = b.BatchNorm("features.1", x); x = b.ReLU("features.2", x);</code>
/// </summary>
public sealed class NetBuilder
{
    private readonly List<NetNode> _nodes = [];
    private readonly Dictionary<string, NetNode> _byName = [];
    private readonly string _model;
    private readonly TensorShape _input;

    public const string InputName = "input";

    public NetBuilder(string model, TensorShape input)
    {
        _model = model;
        _input = input;
        Add(new NetNode { Name = InputName, Op = NodeOp.Input, Inputs = [], InputShape = input, OutputShape = input });
    }

    public string Input => InputName;
    public TensorShape ShapeOf(string node) => Get(node).OutputShape;

    public string Conv(string name, string input, int filters, int kernel, int stride = 1, int padding = 0, int groups = 1, bool bias = false) =>
        Conv(name, input, filters, kernel, stride, new Pads(padding, padding, padding, padding), groups, bias);

    /// <summary>A convolution whose padding may differ between the four sides (imported ONNX pads).</summary>
    public string Conv(string name, string input, int filters, int kernel, int stride, Pads pads, int groups, bool bias)
    {
        var s = ShapeOf(input);
        if (s.Channels % groups != 0 || filters % groups != 0)
            throw new ArgumentException($"{_model}: conv '{name}' has {s.Channels} input channels and {filters} filters, not divisible by {groups} groups");
        var outShape = new TensorShape(filters, Out(s.Rows, kernel, stride, pads.Top + pads.Bottom, name), Out(s.Cols, kernel, stride, pads.Left + pads.Right, name));
        int padding = pads.Symmetric ? pads.Top : 0;
        return Add(new NetNode
        {
            Name = name, Op = NodeOp.Conv, Inputs = [input], InputShape = s, OutputShape = outShape,
            Module = nn.Conv2d(s.Channels, filters, kernel, stride: stride, padding: padding, groups: groups, bias: bias),
            Kernel = kernel, Stride = stride, Padding = padding, AsymmetricPads = pads.Symmetric ? null : pads, Groups = groups, Bias = bias,
        });
    }

    public string BatchNorm(string name, string input, double eps = 1e-5, double momentum = 0.1)
    {
        var s = ShapeOf(input);
        return Add(new NetNode { Name = name, Op = NodeOp.BatchNorm, Inputs = [input], InputShape = s, OutputShape = s, Module = nn.BatchNorm2d(s.Channels, eps: eps, momentum: momentum) });
    }

    public string Activation(string name, string input, ActivationKind kind)
    {
        var s = ShapeOf(input);
        return Add(new NetNode { Name = name, Op = NodeOp.Activation, Inputs = [input], InputShape = s, OutputShape = s, Module = new ActivationSite(kind), Activation = kind });
    }

    public string LeakyReLU(string name, string input, double negativeSlope)
    {
        var s = ShapeOf(input);
        return Add(new NetNode
        {
            Name = name, Op = NodeOp.Activation, Inputs = [input], InputShape = s, OutputShape = s,
            Module = new ActivationSite(ActivationKind.LeakyReLU, negativeSlope), Activation = ActivationKind.LeakyReLU,
        });
    }

    public string Sigmoid(string name, string input) => Activation(name, input, ActivationKind.Sigmoid);
    public string ReLU(string name, string input) => Activation(name, input, ActivationKind.ReLU);
    public string ReLU6(string name, string input) => Activation(name, input, ActivationKind.ReLU6);
    public string Hardswish(string name, string input) => Activation(name, input, ActivationKind.Hardswish);
    public string Hardsigmoid(string name, string input) => Activation(name, input, ActivationKind.Hardsigmoid);

    public string MaxPool(string name, string input, int kernel, int stride, int padding = 0) =>
        MaxPool(name, input, kernel, stride, new Pads(padding, padding, padding, padding));

    /// <summary>Max pooling; asymmetric pads are filled with −∞ (as ONNX and PyTorch pad max pooling).</summary>
    public string MaxPool(string name, string input, int kernel, int stride, Pads pads) =>
        Pool(name, input, NodeOp.MaxPool, kernel, stride, pads, padding => nn.MaxPool2d(kernel, stride, padding));

    public string AvgPool(string name, string input, int kernel, int stride, int padding = 0) =>
        AvgPool(name, input, kernel, stride, new Pads(padding, padding, padding, padding));

    /// <summary>Average pooling with the padding zeros counted in the average (PyTorch's default, count_include_pad).</summary>
    public string AvgPool(string name, string input, int kernel, int stride, Pads pads) =>
        Pool(name, input, NodeOp.AvgPool, kernel, stride, pads, padding => nn.AvgPool2d(kernel, stride, padding));

    /// <summary>The module is made after the output shape is checked, so a bad pool leaves no module behind.</summary>
    private string Pool(string name, string input, NodeOp op, int kernel, int stride, Pads pads, Func<int, nn.Module<Tensor, Tensor>> module)
    {
        var s = ShapeOf(input);
        var output = new TensorShape(s.Channels, Out(s.Rows, kernel, stride, pads.Top + pads.Bottom, name), Out(s.Cols, kernel, stride, pads.Left + pads.Right, name));
        int padding = pads.Symmetric ? pads.Top : 0;
        return Add(new NetNode
        {
            Name = name, Op = op, Inputs = [input], InputShape = s, OutputShape = output,
            Module = module(padding), Kernel = kernel, Stride = stride, Padding = padding, AsymmetricPads = pads.Symmetric ? null : pads,
        });
    }

    /// <summary>Adaptive average pooling to 1×1 (C×H×W → C×1×1).</summary>
    public string GlobalPool(string name, string input)
    {
        var s = ShapeOf(input);
        return Add(new NetNode { Name = name, Op = NodeOp.GlobalPool, Inputs = [input], InputShape = s, OutputShape = new TensorShape(s.Channels, 1, 1) });
    }

    public string Flatten(string name, string input)
    {
        var s = ShapeOf(input);
        return Add(new NetNode { Name = name, Op = NodeOp.Flatten, Inputs = [input], InputShape = s, OutputShape = new TensorShape((int)s.Elements, 1, 1) });
    }

    public string Linear(string name, string input, int outFeatures, bool bias = true)
    {
        var s = ShapeOf(input);
        if (s.Rows != 1 || s.Cols != 1)
            throw new ArgumentException($"{_model}: linear '{name}' needs a flattened input, got {s}");
        return Add(new NetNode
        {
            Name = name, Op = NodeOp.Linear, Inputs = [input], InputShape = s, OutputShape = new TensorShape(outFeatures, 1, 1),
            Module = nn.Linear(s.Channels, outFeatures, hasBias: bias), Bias = bias,
        });
    }

    public string Dropout(string name, string input, double p)
    {
        var s = ShapeOf(input);
        return Add(new NetNode { Name = name, Op = NodeOp.Dropout, Inputs = [input], InputShape = s, OutputShape = s, Module = nn.Dropout(p) });
    }

    public string Add(string name, string a, string b)
    {
        var sa = ShapeOf(a);
        if (sa != ShapeOf(b)) throw new ArgumentException($"{_model}: add '{name}' joins {sa} and {ShapeOf(b)}");
        return Add(new NetNode { Name = name, Op = NodeOp.Add, Inputs = [a, b], InputShape = sa, OutputShape = sa });
    }

    /// <summary>Element-wise product; <paramref name="scale"/> may be C×1×1 (squeeze-excite), broadcast over rows and columns.</summary>
    public string Mul(string name, string input, string scale)
    {
        var s = ShapeOf(input);
        var t = ShapeOf(scale);
        if (t.Channels != s.Channels || !(t == s || (t.Rows == 1 && t.Cols == 1)))
            throw new ArgumentException($"{_model}: mul '{name}' cannot broadcast {t} onto {s}");
        return Add(new NetNode { Name = name, Op = NodeOp.Mul, Inputs = [input, scale], InputShape = s, OutputShape = s });
    }

    /// <summary>Channel concatenation of inputs with equal rows and columns.</summary>
    public string Concat(string name, IReadOnlyList<string> inputs)
    {
        var shapes = inputs.Select(ShapeOf).ToList();
        if (shapes.Count < 2 || shapes.Any(s => s.Rows != shapes[0].Rows || s.Cols != shapes[0].Cols))
            throw new ArgumentException($"{_model}: concat '{name}' cannot join {string.Join(", ", shapes)} along channels");
        var output = new TensorShape(shapes.Sum(s => s.Channels), shapes[0].Rows, shapes[0].Cols);
        return Add(new NetNode { Name = name, Op = NodeOp.Concat, Inputs = [.. inputs], InputShape = output, OutputShape = output });
    }

    public HassNet Build(int classes)
    {
        var net = new HassNet(_model, _input, classes, [.. _nodes]);
        var output = _nodes[^1].OutputShape;
        if (output.Channels != classes || output.Rows != 1 || output.Cols != 1)
            throw new InvalidOperationException($"{_model}: the last node gives {output}, expected {classes}x1x1 class scores");
        return net;
    }

    private NetNode Get(string name) => _byName.TryGetValue(name, out var n) ? n : throw new ArgumentException($"{_model}: no node named '{name}' (yet)");

    private string Add(NetNode node)
    {
        if (_byName.ContainsKey(node.Name)) throw new ArgumentException($"{_model}: node name '{node.Name}' used twice");
        foreach (var input in node.Inputs) Get(input);
        _nodes.Add(node);
        _byName[node.Name] = node;
        return node.Name;
    }

    /// <summary>Output size along one axis; <paramref name="padding"/> is the sum of both sides.</summary>
    private int Out(int size, int kernel, int stride, int padding, string name)
    {
        int o = (size + padding - kernel) / stride + 1;
        if (o <= 0) throw new ArgumentException($"{_model}: layer '{name}' gets a {size}-pixel input, too small for kernel {kernel}");
        return o;
    }
}
