using Google.Protobuf;
using Hass.Abstractions;
using Hass.Models.Onnx.Proto;
using Hass.Torch.Models;

namespace Hass.Models.Onnx;

/// <summary>
/// Writes a pruned <see cref="DeployableNetwork"/> as a standard ONNX model (opset 14) that any runtime runs with
/// the evaluation's results: BN-folded convolutions with the pruned (zeroed) weights, activation thresholds as
/// ThresholdedRelu (ReLU), ThresholdedRelu + Clip (ReLU6) or |y| &gt; t masking (hardswish), and with fixed point
/// on, the input and every value that leaves the grid rounded to fixed&lt;16,8&gt; (Mul, Round, Clip, Div) — with
/// narrow (8-bit) activations every layer's output to its own fixed &lt;8, F&gt; (<see cref="DeployableNetwork.Formats"/>).
/// The input is the normalised image N×C×H×W; the output is the class scores N×classes.
/// </summary>
public sealed class OnnxNetworkWriter : INetworkExporter
{
    public const int Opset = 14;

    public void Write(DeployableNetwork network, bool fixedPoint16, string path)
    {
        var model = new ModelProto
        {
            IrVersion = 8, ProducerName = "hass", ProducerVersion = HassSdk.Version.ToString(),
            Graph = new OnnxGraphWriter(network, fixedPoint16).Build(),
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        ReplacedFile.Write(path, temporary => File.WriteAllBytes(temporary, model.ToByteArray()));
    }
}

/// <summary>Builds the graph layer by layer; each layer's output tensor is named after the layer.</summary>
internal sealed class OnnxGraphWriter(DeployableNetwork network, bool fixedPoint16)
{
    private readonly GraphProto _graph = new() { Name = network.Graph.Name };
    private readonly Dictionary<string, LayerTensors> _tensors = network.Tensors.ToDictionary(t => t.Layer);
    private readonly Dictionary<string, string> _outputs = [];
    private int _counter;

    public GraphProto Build()
    {
        var layers = network.Graph.Layers;
        var input = layers[0];
        _graph.Input.Add(ValueInfo("input", ["N", input.OutputShape.Channels, input.OutputShape.Rows, input.OutputShape.Cols]));
        _outputs[input.Name] = fixedPoint16 ? Quantise("input", input.Name) : "input";
        string? flat = null;
        foreach (var layer in layers.Skip(1))
        {
            var value = Layer(layer);
            if (fixedPoint16 && (Narrow is not null || OffGrid(layer))) value = Quantise(value, layer.Name);
            _outputs[layer.Name] = value;
            flat = layer.Kind is LayerKind.Flatten or LayerKind.Linear ? value : null;
        }
        var last = layers[^1];
        var output = flat ?? Node("Flatten", [_outputs[last.Name]], a => a.Add(Int("axis", 1)));
        Node("Identity", [output], _ => { }, "output");
        _graph.Output.Add(ValueInfo("output", ["N", last.OutputShape.Channels]));
        return _graph;
    }

    /// <summary>As HassNet's fixed-point path: ReLU, max pooling, flatten and concat keep values on the grid.</summary>
    private static bool OffGrid(Layer layer) => layer.Kind is not (LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.MaxPool or LayerKind.Flatten or LayerKind.Concat);

    private string Layer(Layer layer)
    {
        var inputs = layer.Inputs.Select(i => _outputs[i]).ToList();
        var x = inputs[0];
        var threshold = network.ActivationThresholds.GetValueOrDefault(layer.Name);
        return layer.Kind switch
        {
            LayerKind.Conv => Conv(layer, x),
            LayerKind.Linear => Linear(layer, x),
            LayerKind.ReLU => Node("ThresholdedRelu", [x], a => a.Add(Float("alpha", (float)threshold))),
            LayerKind.ReLU6 => Node("Clip", [Node("ThresholdedRelu", [x], a => a.Add(Float("alpha", (float)threshold))), Scalar(0), Scalar(6)], _ => { }),
            LayerKind.Hardswish => MaskBelow(Node("HardSwish", [x], _ => { }), threshold),
            LayerKind.Hardsigmoid => Node("HardSigmoid", [x], a => { a.Add(Float("alpha", 1f / 6)); a.Add(Float("beta", 0.5f)); }),
            LayerKind.LeakyReLU => Node("LeakyRelu", [x], a => a.Add(Float("alpha", (float)(layer.NegativeSlope ?? 0.01)))),
            LayerKind.Sigmoid => Node("Sigmoid", [x], _ => { }),
            LayerKind.MaxPool => Node("MaxPool", [x], a => PoolAttributes(a, layer)),
            LayerKind.AvgPool => Node("AveragePool", [x], a => { PoolAttributes(a, layer); a.Add(Int("count_include_pad", 1)); }),
            LayerKind.GlobalPool => Node("GlobalAveragePool", [x], _ => { }),
            LayerKind.Flatten => Node("Flatten", [x], a => a.Add(Int("axis", 1))),
            LayerKind.EltwiseAdd => Node("Add", inputs, _ => { }),
            LayerKind.EltwiseMul => Node("Mul", inputs, _ => { }),
            LayerKind.Concat => Node("Concat", inputs, a => a.Add(Int("axis", 1))),
            _ => throw new NotSupportedException($"layer '{layer.Name}' of kind {layer.Kind} cannot be written as ONNX"),
        };
    }

    private string Conv(Layer layer, string x)
    {
        var t = _tensors[layer.Name];
        var w = Initializer(layer.Name + ".weight", [layer.Filters, layer.InputShape.Channels / layer.Groups, layer.KernelRows, layer.KernelCols], t.Weights);
        var inputs = new List<string> { x, w };
        if (t.Bias is not null) inputs.Add(Initializer(layer.Name + ".bias", [t.Bias.Length], t.Bias));
        return Node("Conv", inputs, a =>
        {
            a.Add(Ints("kernel_shape", layer.KernelRows, layer.KernelCols));
            a.Add(Ints("strides", layer.StrideRows, layer.StrideCols));
            a.Add(Ints("pads", layer.PadTop, layer.PadLeft, layer.PadBottom, layer.PadRight));
            a.Add(Int("group", layer.Groups));
        }, name: layer.Name);
    }

    private string Linear(Layer layer, string x)
    {
        var t = _tensors[layer.Name];
        var w = Initializer(layer.Name + ".weight", [layer.Filters, (int)layer.InputShape.Elements], t.Weights);
        var inputs = new List<string> { Node("Flatten", [x], a => a.Add(Int("axis", 1))), w };
        if (t.Bias is not null) inputs.Add(Initializer(layer.Name + ".bias", [t.Bias.Length], t.Bias));
        return Node("Gemm", inputs, a => a.Add(Int("transB", 1)), name: layer.Name);
    }

    private string MaskBelow(string y, double threshold) => threshold == 0 ? y
        : Node("Where", [Node("Greater", [Node("Abs", [y], _ => { }), Scalar((float)threshold)], _ => { }), y, Scalar(0)], _ => { });

    /// <summary>Narrow (8-bit) activation formats as evaluated: every layer is rounded to its own fixed &lt;bits, F&gt;.</summary>
    private FixedPointFormats? Narrow => network.Formats is { ActivationBits: < 16 } f ? f : null;

    /// <summary>Rounds to fixed &lt;16, 8&gt;, or with narrow activations to the layer's own fixed &lt;bits, F&gt;.</summary>
    private string Quantise(string x, string layer)
    {
        var (bits, fraction) = Narrow is { } f ? (f.ActivationBits, f.ActivationFractionBits[layer]) : (16, 8);
        float scale = MathF.Pow(2, fraction), high = MathF.Pow(2, bits - 1);
        var scaled = Node("Round", [Node("Mul", [x, Scalar(scale)], _ => { })], _ => { });
        return Node("Div", [Node("Clip", [scaled, Scalar(-high), Scalar(high - 1)], _ => { }), Scalar(scale)], _ => { });
    }

    private static void PoolAttributes(Google.Protobuf.Collections.RepeatedField<AttributeProto> a, Layer layer)
    {
        a.Add(Ints("kernel_shape", layer.KernelRows, layer.KernelCols));
        a.Add(Ints("strides", layer.StrideRows, layer.StrideCols));
        a.Add(Ints("pads", layer.PadTop, layer.PadLeft, layer.PadBottom, layer.PadRight));
    }

    private string Node(string op, IEnumerable<string> inputs, Action<Google.Protobuf.Collections.RepeatedField<AttributeProto>> attributes, string? output = null, string? name = null)
    {
        var id = $"{op.ToLowerInvariant()}_{_counter++}";
        var node = new NodeProto { OpType = op, Name = name ?? id };
        node.Input.AddRange(inputs);
        node.Output.Add(output ?? (name is null ? id : name));
        attributes(node.Attribute);
        _graph.Node.Add(node);
        return node.Output[0];
    }

    private string Scalar(float value)
    {
        var name = $"const_{_counter++}";
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.FloatData.Add(value);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private string Initializer(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(d is string s ? new TensorShapeProto.Types.Dimension { DimParam = s } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(d) });
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } } };
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }
}
