using Hass.Models.Onnx.Proto;
using Hass.Torch.Models;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Models.Onnx;

/// <summary>The ONNX operators that carry weights or attributes, each checked and mapped onto one builder node.</summary>
internal sealed class OnnxLayers(NetBuilder builder, OnnxImporter importer)
{
    private readonly List<(string Node, Action<NetNode> Apply)> _weights = [];
    private readonly Dictionary<string, NodeProto> _convByOutput = [];
    private readonly OnnxPadding _padding = new(importer);

    public void Conv(OnnxNodeReader r)
    {
        var input = importer.Activation(r, 0);
        var w = importer.Constant(r, 1) ?? throw r.Error("the weight input is missing");
        var bias = importer.Constant(r, 2);
        if (w.Dims.Length != 4) throw r.Error($"weights of shape {OnnxNodeReader.Format(w.Dims)} are not supported (2-D convolutions only)");
        r.RequireAutoPadNotSet();
        r.RequireOnes("dilations");
        if (w.Dims[2] != w.Dims[3]) throw r.Unsupported("kernel_shape", OnnxNodeReader.Format(w.Dims[2..]), "square kernels only");
        var kernel = r.Square("kernel_shape", "square kernels only") ?? (int)w.Dims[2];
        var stride = r.Square("strides", "equal strides in both directions") ?? 1;
        var pads = _padding.With(r, r.Pads());
        var groups = (int)r.Int("group", 1);
        var channels = builder.ShapeOf(input).Channels;
        if (w.Dims[1] * groups != channels)
            throw r.Error($"weights {OnnxNodeReader.Format(w.Dims)} with {groups} groups do not fit {channels} input channels");
        var name = builder.Conv(importer.NameOf(r.Node), input, (int)w.Dims[0], kernel, stride, pads, groups, bias is not null);
        _convByOutput[r.Node.Output[0]] = r.Node;
        Set(name, n => Copy(n.Conv.weight!, w), bias is null ? null : n => Copy(n.Conv.bias!, bias));
        importer.Produce(r, name);
    }

    /// <summary>BatchNorm after a convolution (folded into it like the zoo's when the network is prepared).</summary>
    public void BatchNorm(OnnxNodeReader r)
    {
        if (r.Int("training_mode", 0) != 0) throw r.Unsupported("training_mode", "1", "inference only");
        if (r.Int("spatial", 1) != 1) throw r.Unsupported("spatial", "0", "spatial batch norm only");
        r.Float("momentum", 0.9f);
        var eps = r.Float("epsilon", 1e-5f);
        if (!_convByOutput.TryGetValue(r.Node.Input[0], out var conv) || importer.OnlyConsumer(conv) != r.Node)
            throw r.Error("a BatchNormalization must directly follow a convolution that feeds nothing else (it is folded into it)");
        var stats = Enumerable.Range(1, 4).Select(i => importer.Constant(r, i) ?? throw r.Error($"input {i} is missing")).ToArray();
        var name = builder.BatchNorm(importer.NameOf(r.Node), importer.Activation(r, 0), eps);
        Set(name, n =>
        {
            var bn = (BatchNorm2d)n.Module!;
            Copy(bn.weight!, stats[0]); Copy(bn.bias!, stats[1]); Copy(bn.running_mean!, stats[2]); Copy(bn.running_var!, stats[3]);
        }, null);
        importer.Produce(r, name);
    }

    public void Gemm(OnnxNodeReader r)
    {
        if (r.Int("transA", 0) != 0) throw r.Unsupported("transA", "1", "0 only");
        if (r.Float("alpha", 1) != 1) throw r.Unsupported("alpha", r.Float("alpha", 1).ToString("R"), "1 only");
        if (r.Float("beta", 1) != 1) throw r.Unsupported("beta", r.Float("beta", 1).ToString("R"), "1 only");
        var b = importer.Constant(r, 1) ?? throw r.Error("the weight input is missing");
        if (b.Dims.Length != 2) throw r.Error("the weight must be a matrix");
        var weight = r.Int("transB", 0) != 0 ? b : Transpose(b);
        Linear(r, r.Node, weight, importer.Constant(r, 2));
    }

    /// <summary>MatMul with a constant matrix, with the following Add of a constant vector as its bias.</summary>
    public void MatMul(OnnxNodeReader r)
    {
        var b = importer.Constant(r, 1) ?? throw r.Error("the second input must be a constant matrix");
        if (b.Dims.Length != 2) throw r.Error("the second input must be a matrix");
        var weight = Transpose(b);
        OnnxConstant? bias = null;
        var output = r.Node;
        if (importer.OnlyConsumer(r.Node) is { OpType: "Add" } add && add.Input.Count == 2)
        {
            var other = add.Input[0] == r.Node.Output[0] ? add.Input[1] : add.Input[0];
            var addReader = new OnnxNodeReader(add, importer.Path);
            var index = add.Input.IndexOf(other);
            if (importer.TryConstant(other) is { } c && c.Count == weight.Dims[0])
            {
                bias = importer.Constant(addReader, index);
                output = add;
            }
        }
        Linear(r, output, weight, bias);
    }

    private void Linear(OnnxNodeReader r, NodeProto output, OnnxConstant weight, OnnxConstant? bias)
    {
        var input = importer.Activation(r, 0);
        var inFeatures = builder.ShapeOf(input).Elements;
        if (weight.Dims[1] != inFeatures) throw r.Error($"a {weight.Dims[1]}-input matrix does not fit {inFeatures} input features");
        if (bias is not null && bias.Count != weight.Dims[0]) throw r.Error($"the bias has {bias.Count} values for {weight.Dims[0]} outputs");
        var name = builder.Linear(importer.NameOf(r.Node), input, (int)weight.Dims[0], bias is not null);
        Set(name, n => Copy(n.LinearModule.weight!, weight), bias is null ? null : n => Copy(n.LinearModule.bias!, bias));
        if (output != r.Node) importer.Fuse(output, name);
        else importer.Produce(r, name);
    }

    public void Pool(OnnxNodeReader r)
    {
        var input = importer.Activation(r, 0);
        r.RequireAutoPadNotSet();
        r.RequireOnes("dilations");
        if (r.Int("ceil_mode", 0) != 0) throw r.Unsupported("ceil_mode", "1", "floor rounding only");
        if (r.Int("storage_order", 0) != 0) throw r.Unsupported("storage_order", "1", "row major only");
        var kernel = r.Square("kernel_shape", "square kernels only") ?? throw r.Error("kernel_shape is missing");
        var stride = r.Square("strides", "equal strides in both directions") ?? 1;
        var own = r.Pads();
        var name = importer.NameOf(r.Node);
        if (r.Op == "MaxPool")
        {
            importer.Produce(r, builder.MaxPool(name, input, kernel, stride, own));
            return;
        }
        if (own != default && r.Int("count_include_pad", 0) == 0)
            throw r.Unsupported("count_include_pad", "0", "padding counted in the average, as PyTorch exports it");
        importer.Produce(r, builder.AvgPool(name, input, kernel, stride, _padding.With(r, own)));
    }

    public void ZeroPad(OnnxNodeReader r) => _padding.ZeroPad(r);

    public void Clip(OnnxNodeReader r)
    {
        var min = r.Float("min", float.NegativeInfinity);
        var max = r.Float("max", float.PositiveInfinity);
        if (importer.Constant(r, 1) is { } lo) min = lo.Floats[0];
        if (importer.Constant(r, 2) is { } hi) max = hi.Floats[0];
        var input = importer.Activation(r, 0);
        var name = importer.NameOf(r.Node);
        if (min == 0 && max == 6) importer.Produce(r, builder.ReLU6(name, input));
        else if (min == 0 && float.IsPositiveInfinity(max)) importer.Produce(r, builder.ReLU(name, input));
        else throw r.Error($"clip to [{min}, {max}] is not supported (ReLU6 = clip to [0, 6], or ReLU = clip below 0)");
    }

    /// <summary>Hardsigmoid (alpha 1/6, beta 1/2); followed by a product with its own input it is a hardswish.</summary>
    public void HardSigmoid(OnnxNodeReader r)
    {
        var alpha = r.Float("alpha", 0.2f);
        var beta = r.Float("beta", 0.5f);
        if (Math.Abs(alpha - 1.0 / 6) > 1e-5 || Math.Abs(beta - 0.5) > 1e-6)
            throw r.Unsupported("alpha", $"{alpha} (beta {beta})", "PyTorch's hardsigmoid: alpha 1/6, beta 1/2");
        var input = importer.Activation(r, 0);
        var name = importer.NameOf(r.Node);
        if (importer.OnlyConsumer(r.Node) is { OpType: "Mul" } mul && mul.Input.Count == 2 && mul.Input.Contains(r.Node.Input[0]) && mul.Input.Contains(r.Node.Output[0]))
        {
            importer.Fuse(mul, builder.Hardswish(name, input));
            return;
        }
        importer.Produce(r, builder.Hardsigmoid(name, input));
    }

    /// <summary>Products of two feature maps; a C×1×1 scale (squeeze-excite) may come first or second.</summary>
    public void Mul(OnnxNodeReader r)
    {
        var a = importer.Activation(r, 0);
        var b = importer.Activation(r, 1);
        var sa = builder.ShapeOf(a);
        if (sa.Rows == 1 && sa.Cols == 1 && builder.ShapeOf(b) != sa) (a, b) = (b, a);
        importer.Produce(r, builder.Mul(importer.NameOf(r.Node), a, b));
    }

    public void Concat(OnnxNodeReader r)
    {
        var axis = r.Int("axis", 1);
        if (axis is not (1 or -3)) throw r.Unsupported("axis", axis.ToString(), "channel concatenation, axis 1");
        var inputs = Enumerable.Range(0, r.Node.Input.Count).Select(i => importer.Activation(r, i)).ToList();
        importer.Produce(r, builder.Concat(importer.NameOf(r.Node), inputs));
    }

    /// <summary>Flatten at axis 1, or a Reshape to [N, C·H·W] (N given as 0, 1 or −1, the rest as −1 or the count).</summary>
    public void Flatten(OnnxNodeReader r)
    {
        var input = importer.Activation(r, 0);
        var elements = builder.ShapeOf(input).Elements;
        if (r.Op == "Flatten")
        {
            if (r.Int("axis", 1) != 1) throw r.Unsupported("axis", r.Int("axis", 1).ToString(), "1 only");
        }
        else
        {
            r.Int("allowzero", 0);
            var shape = (importer.Constant(r, 1) ?? throw r.Error("the shape must be a constant")).Ints;
            bool flattens = shape.Length == 2 && shape[0] is 0 or 1 or -1 && (shape[1] == -1 && shape[0] != -1 || shape[1] == elements);
            if (!flattens) throw r.Error($"reshape to {OnnxNodeReader.Format(shape)} is not supported (only flattening to [N, {elements}])");
        }
        importer.Produce(r, builder.Flatten(importer.NameOf(r.Node), input));
    }

    public void CopyWeights(HassNet net)
    {
        using var _ = no_grad();
        foreach (var (node, apply) in _weights) apply(net.Node(node));
    }

    private void Set(string node, Action<NetNode> weight, Action<NetNode>? bias)
    {
        _weights.Add((node, weight));
        if (bias is not null) _weights.Add((node, bias));
    }

    private static void Copy(Tensor target, OnnxConstant source)
    {
        if (target.numel() != source.Count)
            throw new InvalidOperationException($"tensor of {target.numel()} values cannot take {source.Count}");
        using var values = tensor(source.Floats).reshape(target.shape);
        target.copy_(values);
    }

    private static OnnxConstant Transpose(OnnxConstant m)
    {
        long rows = m.Dims[0], cols = m.Dims[1];
        var t = new float[m.Floats.Length];
        for (long i = 0; i < rows; i++)
            for (long j = 0; j < cols; j++)
                t[j * rows + i] = m.Floats[i * cols + j];
        return new OnnxConstant([cols, rows], t, []);
    }
}
