using System.Text.Json;
using System.Text.Json.Nodes;
using Hass.Abstractions;
using Hass.Torch.Models;

namespace Hass.Models.Onnx;

/// <summary>
/// Writes a design as fpgaConvNet's configuration: the JSON form of its `partitions` protobuf message
/// (fpgaconvnet-model, fpgaconvnet/proto/fpgaconvnet.proto; field names as json_format writes them with
/// preserving_proto_field_name), which its parser reads with json_format.Parse. One partition per bitstream,
/// one layer per graph layer (the input excluded), streams named after the producing layer, folding as
/// coarse_in/coarse_out/coarse_group/fine, bit widths (<see cref="FixedPointTypes"/>: the design's data and weight
/// widths with each layer's and each weight tensor's binary point, 32-bit accumulators), and
/// for sparse convolutions the per-channel histogram of zeros per window (`sparsity`, channels × (K+1), row-major).
/// The field-by-field mapping and what is lost are in docs/formats.md.
/// </summary>
public sealed class FpgaConvNetConfigWriter : IDesignExporter
{
    public void Write(HardwareDesign design, NetworkGraph graph, SparsityProfile? profile, string onnxFile, string path, DeployableNetwork? network = null)
    {
        var types = new FixedPointTypes(design, network);
        var partitions = new JsonArray();
        var byName = design.Layers.ToDictionary(l => l.Layer);
        var groups = design.Partitions.Count > 0
            ? design.Partitions.Select(p => (p.Index, (IReadOnlyList<string>)p.Layers, p.WeightsReloading)).ToList()
            : [(0, graph.Layers.Skip(1).Select(l => l.Name).ToList(), 1)];
        foreach (var (index, names, reloading) in groups)
        {
            var layers = names.Where(n => graph[n].Kind != LayerKind.Input).Select(n => graph[n]).ToList();
            var inside = layers.Select(l => l.Name).ToHashSet();
            var reloaded = layers.FirstOrDefault(l => byName.TryGetValue(l.Name, out var d) && d.Folding.WeightsReloading > 1);
            partitions.Add(new JsonObject
            {
                ["id"] = index,
                ["ports"] = 1,
                ["batch_size"] = design.Performance.BatchSize,
                ["input_nodes"] = new JsonArray(layers.Where(l => l.Inputs.Any(i => !inside.Contains(i))).Select(l => (JsonNode)l.Name).ToArray()),
                ["output_nodes"] = new JsonArray(layers.Where(l => !layers.Any(c => c.Inputs.Contains(l.Name))).Select(l => (JsonNode)l.Name).ToArray()),
                ["weights_reloading_factor"] = reloading,
                ["weights_reloading_layer"] = reloaded?.Name ?? "None",
                ["layers"] = new JsonArray(layers.Select(l => Layer(l, byName.GetValueOrDefault(l.Name), profile?.For(l.Name), graph, design.Performance.BatchSize, types)).ToArray()),
            });
        }
        var root = new JsonObject { ["partition"] = partitions };
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    private static JsonNode Layer(Layer layer, LayerDesign? design, LayerSparsity? sparsity, NetworkGraph graph, int batch, FixedPointTypes types)
    {
        var folding = design?.Folding ?? LayerFolding.Unit;
        bool sparse = design?.Sparse == true && layer.Kind == LayerKind.Conv && sparsity is not null;
        var p = new JsonObject
        {
            ["batch_size"] = batch,
            ["rows_in"] = layer.InputShape.Rows, ["cols_in"] = layer.InputShape.Cols, ["channels_in"] = layer.InputShape.Channels,
            ["rows_out"] = layer.OutputShape.Rows, ["cols_out"] = layer.OutputShape.Cols, ["channels_out"] = layer.OutputShape.Channels,
            ["data_t"] = types.Data(layer.Name),
        };
        switch (layer.Kind)
        {
            case LayerKind.Conv or LayerKind.Linear:
                p["coarse_in"] = folding.CoarseIn; p["coarse_out"] = folding.CoarseOut; p["filters"] = layer.Filters; p["has_bias"] = layer.HasBias ? 1 : 0;
                p["weight_t"] = types.Weight(layer.Name); p["acc_t"] = FixedPointTypes.Fixed(32, 16);
                p["input_t"] = types.Data(layer.Inputs[0]); p["output_t"] = types.Data(layer.Name);
                if (layer.Kind == LayerKind.Conv)
                {
                    p["coarse_group"] = folding.CoarseGroup; p["groups"] = layer.Groups; p["fine"] = folding.Fine;
                    Window(p, layer);
                }
                if (sparse)
                {
                    p["sparsity"] = new JsonArray(sparsity!.Histogram.SelectMany(row => row).Select(v => (JsonNode)v).ToArray());
                    p["skip_all_zero_window"] = true;
                }
                break;
            case LayerKind.MaxPool or LayerKind.AvgPool or LayerKind.GlobalPool:
                p["coarse"] = folding.CoarseIn;
                Window(p, layer);
                break;
            default:
                p["coarse"] = folding.CoarseIn;
                break;
        }
        var producers = layer.Inputs.Select(i => graph[i]).ToList();
        return new JsonObject
        {
            ["name"] = layer.Name,
            ["onnx_node"] = layer.Name,
            ["type"] = Type(layer, sparse),
            ["op_type"] = layer.Kind.ToString(),
            ["streams_in"] = new JsonArray(producers.Select(s => Stream(s.Kind == LayerKind.Input ? "in" : s.Name, folding.CoarseIn, s.Kind == LayerKind.Input ? null : s.Name,
                InputBufferDepth(s, folding.CoarseIn, design?.FifoSlackRows ?? LayerDesign.DefaultFifoSlackRows))).ToArray()),
            ["streams_out"] = new JsonArray(Stream(layer.Name, layer.Kind is LayerKind.Conv or LayerKind.Linear ? folding.CoarseOut * folding.CoarseGroup : folding.CoarseIn, null, BaseBufferDepth)),
            ["parameters"] = p,
        };
    }

    private static string Type(Layer layer, bool sparse) => layer.Kind switch
    {
        LayerKind.Conv => sparse ? "CONVOLUTION_SPARSE" : "CONVOLUTION",
        LayerKind.Linear => "INNER_PRODUCT",
        LayerKind.MaxPool => "POOLING",
        LayerKind.AvgPool or LayerKind.GlobalPool => "AVERAGE_POOLING",
        LayerKind.ReLU or LayerKind.ReLU6 => "RELU",
        LayerKind.Hardswish => "HARD_SWISH",
        LayerKind.Hardsigmoid => "HARD_SIGMOID",
        LayerKind.Sigmoid => "SIGMOID",
        LayerKind.LeakyReLU => "ACTIVATION",   // fpgaConvNet has no leaky ReLU type; op_type says which (its slope is lost)
        LayerKind.EltwiseAdd or LayerKind.EltwiseMul => "ELTWISE",
        LayerKind.Concat => "CONCAT",
        LayerKind.Flatten => "SQUEEZE",
        _ => throw new NotSupportedException($"layer '{layer.Name}' of kind {layer.Kind} has no fpgaConvNet layer type"),
    };

    private static void Window(JsonObject p, Layer layer)
    {
        p["kernel_rows"] = layer.KernelRows; p["kernel_cols"] = layer.KernelCols;
        p["kernel_size"] = new JsonArray(layer.KernelRows, layer.KernelCols);
        p["stride_rows"] = layer.StrideRows; p["stride_cols"] = layer.StrideCols;
        p["stride"] = new JsonArray(layer.StrideRows, layer.StrideCols);
        p["pad_top"] = layer.PadTop; p["pad_bottom"] = layer.PadBottom; p["pad_left"] = layer.PadLeft; p["pad_right"] = layer.PadRight;
    }

    /// <summary>fpgaConvNet's default stream depth (words per stream), which the base FIFO slack maps to.</summary>
    private const int BaseBufferDepth = 2;

    /// <summary>Words per stream of an input FIFO: the default, plus the rows the DSE added beyond the base slack.</summary>
    private static int InputBufferDepth(Layer producer, int coarse, int slackRows)
    {
        long extraRows = Math.Max(0, slackRows - LayerDesign.DefaultFifoSlackRows);
        long rowWords = (long)producer.OutputShape.Cols * producer.OutputShape.Channels;
        return checked((int)(BaseBufferDepth + (extraRows * rowWords + coarse - 1) / Math.Max(1, coarse)));
    }

    private static JsonObject Stream(string name, int coarse, string? node, int bufferDepth)
    {
        var s = new JsonObject { ["name"] = name == "in" ? name : name + "_out", ["coarse"] = coarse, ["buffer_depth"] = bufferDepth };
        if (node is not null) s["node"] = node;
        return s;
    }
}

/// <summary>
/// The configuration's fixed-point types. fpgaConvNet's fixed_point {width, binary_point} is ap_fixed&lt;width,
/// binary_point&gt;: binary_point counts the integer bits, sign included, i.e. width − fraction bits. Data: the
/// design's width, with a layer's evaluated format when the network carries narrow formats (else 8 fraction bits
/// at 16 bits, half the width otherwise). Weights: the design's width with the tensor's per-tensor binary point
/// (fraction bits from its largest magnitude, as evaluated) when the tensors are known.
/// </summary>
internal sealed class FixedPointTypes(HardwareDesign design, DeployableNetwork? network)
{
    private readonly int _dataBits = design.DataBits ?? network?.Formats?.ActivationBits ?? 16;
    private readonly int _weightBits = design.WeightBits ?? network?.Formats?.WeightBits ?? 16;
    private readonly Dictionary<string, float[]> _weights = network?.Tensors.ToDictionary(t => t.Layer, t => t.Weights) ?? [];

    public JsonObject Data(string layer)
    {
        int fraction = network?.Formats?.ActivationFractionBits.TryGetValue(layer, out var f) == true ? f
            : _dataBits == 16 ? FixedPoint.ActivationFractionBits : _dataBits / 2;
        return Fixed(_dataBits, _dataBits - fraction);
    }

    public JsonObject Weight(string layer)
    {
        int fraction = _weights.TryGetValue(layer, out var w) && w.Length > 0
            ? FixedPoint.FractionBits(w.Max(MathF.Abs), _weightBits) : _weightBits / 2;
        return Fixed(_weightBits, _weightBits - fraction);
    }

    public static JsonObject Fixed(int width, int binaryPoint) => new() { ["width"] = width, ["binary_point"] = binaryPoint };
}
