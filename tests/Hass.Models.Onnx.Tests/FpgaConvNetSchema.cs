using System.Text.Json;

namespace Hass.Models.Onnx.Tests;

/// <summary>
/// The shape of fpgaConvNet's configuration in protobuf's JSON mapping (proto field names): every message's field
/// names with their JSON kind and which are required, and the layer_type names — taken from
/// fpgaconvnet-model's fpgaconvnet/proto/fpgaconvnet.proto (commit d621b71, the version the writer targets; the
/// proto itself is GPL-3.0 and not copied). fpgaConvNet's own tools cannot be installed here (they are on PyPI
/// only), so this is the check a strict json_format.Parse would make: unknown fields, missing required fields,
/// wrong kinds and unknown enum names are all errors.
/// </summary>
internal static class FpgaConvNetSchema
{
    private enum Kind { Int, Float, Bool, String, LayerType, Ints, Floats, Bools, Strings, FixedPoint, QuantFormat, Stream, Streams, Parameter, Layers, Partitions }

    private sealed record Field(Kind Kind, bool Required = false);

    public static readonly string[] LayerTypes =
    [
        "CONVOLUTION", "POOLING", "ACTIVATION", "SQUEEZE", "INNER_PRODUCT", "CONCAT", "BATCH_NORM", "SPLIT", "ELTWISE", "AVERAGE_POOLING",
        "CONVOLUTION_SPARSE", "RELU", "SILU", "SIGMOID", "HARD_SIGMOID", "HARD_SWISH", "RESIZE", "CHOP", "THRESHOLDEDRELU",
    ];

    private static readonly Dictionary<string, Field> Root = new() { ["partition"] = new(Kind.Partitions) };

    private static readonly Dictionary<string, Field> Partition = new()
    {
        ["id"] = new(Kind.Int, true), ["ports"] = new(Kind.Int, true), ["batch_size"] = new(Kind.Int, true),
        ["input_nodes"] = new(Kind.Strings), ["output_nodes"] = new(Kind.Strings),
        ["weights_reloading_factor"] = new(Kind.Int, true), ["weights_reloading_layer"] = new(Kind.String, true),
        ["layers"] = new(Kind.Layers), ["gen_last_width"] = new(Kind.Int),
    };

    private static readonly Dictionary<string, Field> Layer = new()
    {
        ["name"] = new(Kind.String, true), ["onnx_node"] = new(Kind.String, true), ["type"] = new(Kind.LayerType, true), ["op_type"] = new(Kind.String),
        ["streams_in"] = new(Kind.Streams), ["streams_out"] = new(Kind.Streams), ["parameters"] = new(Kind.Parameter, true),
        ["weights_path"] = new(Kind.String), ["bias_path"] = new(Kind.String),
    };

    private static readonly Dictionary<string, Field> StreamFields = new()
    {
        ["name"] = new(Kind.String, true), ["coarse"] = new(Kind.Int, true), ["buffer_depth"] = new(Kind.Int, true), ["node"] = new(Kind.String),
    };

    private static readonly Dictionary<string, Field> FixedPointFields = new() { ["width"] = new(Kind.Int, true), ["binary_point"] = new(Kind.Int, true) };

    private static readonly Dictionary<string, Field> QuantFormatFields = new() { ["scale"] = new(Kind.Floats), ["zero_point"] = new(Kind.Ints) };

    private static readonly Dictionary<string, Field> ParameterFields = Fields(
        (Kind.Int, "buffer_depth batch_size rows_in cols_in depth_in channels_in rows_out cols_out depth_out channels_out coarse_in coarse_out coarse " +
                   "coarse_group groups fine filters pad_top pad_right pad_front pad_bottom pad_left pad_back kernel_rows kernel_cols kernel_depth " +
                   "stride_rows stride_cols stride_depth has_bias biases_width ports_in ports_out on_chip_addr_range off_chip_buffer_size " +
                   "off_chip_interval stream_weights clusters"),
        (Kind.Ints, "kernel_size stride rows_in_array cols_in_array depth_in_array channels_in_array rows_out_array cols_out_array depth_out_array channels_out_array split"),
        (Kind.Float, "mem_bw_in mem_bw_out threshold"),
        (Kind.Floats, "mem_bw_in_array mem_bw_out_array scale shift sparsity input_compression_ratio output_compression_ratio weight_compression_ratio"),
        (Kind.FixedPoint, "data_t weight_t acc_t input_t output_t scale_t shift_t"),
        (Kind.QuantFormat, "input_quant outnput_quant weight_quant bias_quant"),
        (Kind.Bool, "use_uram block_floating_point skipping_windows skip_all_zero_window"),
        (Kind.Bools, "stream_inputs stream_outputs"),
        (Kind.String, "weights_ram_style"));

    /// <summary>Every problem of a configuration document, each naming its JSON path (empty when it parses).</summary>
    public static List<string> Check(JsonElement root)
    {
        var problems = new List<string>();
        CheckMessage(root, Root, "$", problems);
        return problems;
    }

    private static Dictionary<string, Field> Fields(params (Kind Kind, string Names)[] groups) =>
        groups.SelectMany(g => g.Names.Split(' ').Select(n => (n, g.Kind))).ToDictionary(p => p.n, p => new Field(p.Kind));

    private static void CheckMessage(JsonElement value, Dictionary<string, Field> fields, string path, List<string> problems)
    {
        if (value.ValueKind != JsonValueKind.Object) { problems.Add($"{path}: expected an object"); return; }
        foreach (var property in value.EnumerateObject())
        {
            if (fields.TryGetValue(property.Name, out var field)) CheckValue(property.Value, field.Kind, $"{path}.{property.Name}", problems);
            else problems.Add($"{path}.{property.Name}: no such field");
        }
        foreach (var (name, field) in fields)
            if (field.Required && !value.TryGetProperty(name, out _)) problems.Add($"{path}.{name}: required field missing");
    }

    private static void CheckValue(JsonElement v, Kind kind, string path, List<string> problems)
    {
        bool ok = kind switch
        {
            Kind.Int => v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out _),
            Kind.Float => v.ValueKind == JsonValueKind.Number,
            Kind.Bool => v.ValueKind is JsonValueKind.True or JsonValueKind.False,
            Kind.String => v.ValueKind == JsonValueKind.String,
            Kind.LayerType => v.ValueKind == JsonValueKind.String && LayerTypes.Contains(v.GetString()),
            Kind.Ints or Kind.Floats or Kind.Bools or Kind.Strings or Kind.Streams or Kind.Layers or Kind.Partitions => CheckArray(v, kind, path, problems),
            Kind.FixedPoint => Nested(v, FixedPointFields, path, problems),
            Kind.QuantFormat => Nested(v, QuantFormatFields, path, problems),
            Kind.Stream => Nested(v, StreamFields, path, problems),
            Kind.Parameter => Nested(v, ParameterFields, path, problems),
            _ => false,
        };
        if (!ok) problems.Add($"{path}: {v.ValueKind} {(v.ValueKind == JsonValueKind.String ? v.GetString() : "")} is not a valid {kind}");
    }

    private static bool CheckArray(JsonElement v, Kind kind, string path, List<string> problems)
    {
        if (v.ValueKind != JsonValueKind.Array) return false;
        var element = kind switch
        {
            Kind.Ints => Kind.Int, Kind.Floats => Kind.Float, Kind.Bools => Kind.Bool, Kind.Strings => Kind.String, Kind.Streams => Kind.Stream,
            Kind.Layers => Kind.Parameter, _ => Kind.Parameter,
        };
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            var at = $"{path}[{i++}]";
            if (kind == Kind.Layers) CheckMessage(item, Layer, at, problems);
            else if (kind == Kind.Partitions) CheckMessage(item, Partition, at, problems);
            else CheckValue(item, element, at, problems);
        }
        return true;
    }

    private static bool Nested(JsonElement v, Dictionary<string, Field> fields, string path, List<string> problems)
    {
        CheckMessage(v, fields, path, problems);
        return true;
    }
}
