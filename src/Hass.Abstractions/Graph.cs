using System.Text.Json.Serialization;

namespace Hass.Abstractions;

/// <summary>Kinds of node in the hardware-facing graph (docs/architecture.md).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<LayerKind>))]
public enum LayerKind
{
    Input,
    Conv,
    Linear,
    MaxPool,
    AvgPool,
    GlobalPool,
    ReLU,
    ReLU6,
    Hardswish,
    Hardsigmoid,
    EltwiseAdd,
    EltwiseMul,
    Concat,
    Flatten,
    /// <summary>y = x for x &gt; 0, else <see cref="Layer.NegativeSlope"/>·x.</summary>
    LeakyReLU,
    /// <summary>y = 1 / (1 + e^−x).</summary>
    Sigmoid,
}

/// <summary>A feature-map shape, channels × rows × cols (one image).</summary>
public sealed record TensorShape(int Channels, int Rows, int Cols)
{
    public long Elements => (long)Channels * Rows * Cols;
    public override string ToString() => $"{Channels}x{Rows}x{Cols}";
}

/// <summary>
/// One node of a <see cref="NetworkGraph"/>. Conv/Linear carry kernel, stride, padding, groups and filters;
/// Pool carries kernel, stride and padding; the others only shapes. Inputs name the producing layers in order.
/// For EltwiseMul a broadcast input (squeeze-excite scale, C×1×1) is the second input.
/// </summary>
public sealed record Layer
{
    public required string Name { get; init; }
    public required LayerKind Kind { get; init; }
    public IReadOnlyList<string> Inputs { get; init; } = [];
    public required TensorShape InputShape { get; init; }
    public required TensorShape OutputShape { get; init; }
    public int KernelRows { get; init; } = 1;
    public int KernelCols { get; init; } = 1;
    public int StrideRows { get; init; } = 1;
    public int StrideCols { get; init; } = 1;
    /// <summary>Padding top, bottom, left, right.</summary>
    public int PadTop { get; init; }
    public int PadBottom { get; init; }
    public int PadLeft { get; init; }
    public int PadRight { get; init; }
    public int Groups { get; init; } = 1;
    public bool HasBias { get; init; }
    /// <summary>LeakyReLU: the slope below zero (absent for every other kind, so older graphs and their hashes are unchanged).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? NegativeSlope { get; init; }
    /// <summary>For Linear: out features. For Conv: filters. Otherwise output channels.</summary>
    public int Filters => OutputShape.Channels;
    public int KernelSize => KernelRows * KernelCols;

    /// <summary>Multiply-accumulates for one image (dense workload).</summary>
    public long Macs => Kind switch
    {
        LayerKind.Conv => (long)OutputShape.Rows * OutputShape.Cols * Filters * (InputShape.Channels / Groups) * KernelSize,
        LayerKind.Linear => InputShape.Elements * Filters,
        _ => 0,
    };

    /// <summary>Trainable weights (+ bias) of Conv and Linear layers.</summary>
    public long Parameters => Kind switch
    {
        LayerKind.Conv => (long)Filters * (InputShape.Channels / Groups) * KernelSize + (HasBias ? Filters : 0),
        LayerKind.Linear => InputShape.Elements * Filters + (HasBias ? Filters : 0),
        _ => 0,
    };
}

/// <summary>
/// The hardware-facing intermediate representation: layers in topological order, each naming its inputs.
/// The first layer is the Input node. JSON-serialisable (docs/formats.md).
/// </summary>
public sealed record NetworkGraph
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Name { get; init; }
    public required IReadOnlyList<Layer> Layers { get; init; }
    public int Classes { get; init; }

    [JsonIgnore] public long TotalMacs => Layers.Sum(l => l.Macs);
    [JsonIgnore] public long TotalParameters => Layers.Sum(l => l.Parameters);
    /// <summary>Dense operations per image (2 × MACs), the workload GOP/s counts.</summary>
    [JsonIgnore] public long DenseOperations => 2 * TotalMacs;

    public Layer this[string name] => Layers.FirstOrDefault(l => l.Name == name)
        ?? throw new KeyNotFoundException($"graph '{Name}' has no layer '{name}'");

    /// <summary>Layers that consume the output of <paramref name="name"/>.</summary>
    public IEnumerable<Layer> Consumers(string name) => Layers.Where(l => l.Inputs.Contains(name));

    /// <summary>Stable content hash (hex SHA-256 of the canonical JSON), used in cache keys.</summary>
    public string ContentHash() => Hashing.Sha256Hex(HassJson.Serialize(this));
}
