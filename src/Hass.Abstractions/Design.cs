using System.ComponentModel.DataAnnotations;
using Hass.Abstractions.Configuration;
using System.Text.Json.Serialization;

namespace Hass.Abstractions;

/// <summary>
/// Parallelism of one layer. WeightsReloading = 1 means off. <see cref="Sparse"/> and <see cref="Partition"/> are given only
/// to <see cref="IAcceleratorBackend.Evaluate"/> (null: the backend decides); a design records them in its
/// <see cref="LayerDesign"/>, and <see cref="HardwareDesign.Folding"/> fills them in, so evaluating that folding gives the design.
/// </summary>
public sealed record LayerFolding(int CoarseIn = 1, int CoarseOut = 1, int CoarseGroup = 1, int Fine = 1, int WeightsReloading = 1)
{
    public static LayerFolding Unit { get; } = new();

    /// <summary>The layer's implementation: false builds a sparse-capable layer dense, true requires the sparse one.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public bool? Sparse { get; init; }

    /// <summary>The configuration the layer runs in (0, 1, …; contiguous runs of the layers in order).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? Partition { get; init; }

    public override string ToString() => $"ci={CoarseIn} co={CoarseOut} cg={CoarseGroup} f={Fine}" + (WeightsReloading > 1 ? $" wr={WeightsReloading}" : "")
        + (Sparse is { } s ? (s ? " sparse" : " dense") : "") + (Partition is { } p ? $" p={p}" : "");
}

public sealed record ResourceUsage(double Dsp = 0, double Bram18 = 0, double Uram = 0, double Lut = 0, double Ff = 0)
{
    public static ResourceUsage Zero { get; } = new();
    public static ResourceUsage operator +(ResourceUsage a, ResourceUsage b) =>
        new(a.Dsp + b.Dsp, a.Bram18 + b.Bram18, a.Uram + b.Uram, a.Lut + b.Lut, a.Ff + b.Ff);
    public ResourceUsage Scale(double k) => new(Dsp * k, Bram18 * k, Uram * k, Lut * k, Ff * k);

    /// <summary>True when every resource is within <paramref name="fraction"/> of the board.</summary>
    public bool FitsOn(BoardSpec board, double fraction = 1.0, double ramFraction = double.NaN)
    {
        if (double.IsNaN(ramFraction)) ramFraction = fraction;
        return Dsp <= fraction * board.Dsp && Lut <= fraction * board.Lut && Ff <= fraction * board.Ff
            && Bram18 <= ramFraction * board.Bram18 && Uram <= ramFraction * board.Uram;
    }
}

public sealed record Performance
{
    /// <summary>The <see cref="BottleneckLayer"/> of a design whose interval the off-chip bandwidth sets.</summary>
    public const string MemoryBandwidth = "memory-bandwidth";

    public double ThroughputImagesPerSecond { get; init; }
    public double LatencySeconds { get; init; }
    public double IntervalCycles { get; init; }
    public string BottleneckLayer { get; init; } = "";
    /// <summary>Dense operations per image × throughput / 1e9 (PASS-style: counts the dense workload).</summary>
    public double GopPerSecond { get; init; }
    public double GopPerSecondPerDsp { get; init; }
    public int BatchSize { get; init; } = 1;
}

/// <summary>One layer of a design: where it runs, how it is folded, what it costs.</summary>
public sealed record LayerDesign
{
    public const int DefaultFifoSlackRows = 2;

    public required string Layer { get; init; }
    public required LayerKind Kind { get; init; }
    public int Partition { get; init; }
    public required LayerFolding Folding { get; init; }
    /// <summary>Cycles per image (the layer's initiation interval).</summary>
    public double Cycles { get; init; }
    /// <summary>
    /// The fewest cycles per image the layer takes at its folding whatever its zeros: for a sparse conv the rate at which
    /// its words stream, for any other layer its cycles. Null when the backend does not say (left out of the JSON).
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public double? FloorCycles { get; init; }
    /// <summary>True when the sparse (zero-skipping) implementation was used.</summary>
    public bool Sparse { get; init; }
    /// <summary>Channel order of the "opt" interleaving: stream s takes StreamChannels[s]. Empty when not sparse.</summary>
    public IReadOnlyList<int[]> StreamChannels { get; init; } = [];
    /// <summary>
    /// Rows the FIFOs on this layer's inputs hold beyond what its window reads (a whole frame for an input that also
    /// feeds other layers): <see cref="DefaultFifoSlackRows"/> unless the DSE deepened them to stop uneven neighbours
    /// stalling each other.
    /// </summary>
    public int FifoSlackRows { get; init; } = DefaultFifoSlackRows;
    public ResourceUsage Resources { get; init; } = ResourceUsage.Zero;
}

public sealed record PartitionDesign(int Index, IReadOnlyList<string> Layers, double IntervalCycles, double CyclesPerBatch, int WeightsReloading, ResourceUsage Resources);

/// <summary>The result of folding a network onto a board.</summary>
public sealed record HardwareDesign
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Backend { get; init; }
    public required string BackendVersion { get; init; }
    public required string Board { get; init; }
    public required string Graph { get; init; }
    public string GraphHash { get; init; } = "";
    public string ProfileHash { get; init; } = "";
    public required IReadOnlyList<LayerDesign> Layers { get; init; }
    public IReadOnlyList<PartitionDesign> Partitions { get; init; } = [];
    public required Performance Performance { get; init; }
    public required ResourceUsage Resources { get; init; }
    /// <summary>Human-readable notes from the DSE (limits hit, partitions added, …).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
    /// <summary>Activation and weight word widths the design was costed with; absent (null) for the 16-bit default.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? DataBits { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public int? WeightBits { get; init; }

    /// <summary>Every layer's folding with its implementation and configuration: what <see cref="IAcceleratorBackend.Evaluate"/> needs to give this design again.</summary>
    [JsonIgnore] public IReadOnlyDictionary<string, LayerFolding> Folding =>
        Layers.ToDictionary(l => l.Layer, l => l.Folding with { Sparse = l.Sparse, Partition = l.Partition });

    /// <summary>Identity of the design for measurement caches: backend, board and per-layer folding.</summary>
    public string DesignHash() => Hashing.Sha256Hex(HassJson.Serialize(new
    {
        Backend, BackendVersion, Board, GraphHash, ProfileHash,
        Folding = Layers.Select(l => new { l.Layer, Folding = l.Folding with { Sparse = null, Partition = null }, l.Sparse, l.Partition }),
    }) + (DataBits is null && WeightBits is null ? "" : $" widths {DataBits ?? 16}/{WeightBits ?? 16}"));   // 16-bit hashes unchanged
}

/// <summary>Options of one design-space exploration.</summary>
public sealed record DesignOptions
{
    /// <summary>Fraction of DSP/LUT/FF the design may use.</summary>
    [Range(0.0, 1.0, MinimumIsExclusive = true)] public double ResourceAllocation { get; init; } = 1.0;
    /// <summary>Fraction of BRAM/URAM the design may use; NaN = same as ResourceAllocation.</summary>
    [RangeOrUnset(0.0, 1.0, MinimumIsExclusive = true)] public double RamAllocation { get; init; } = double.NaN;
    [Range(1, 1 << 20)] public int BatchSize { get; init; } = 256;
    /// <summary>Run the annealing refinement after the greedy pass.</summary>
    public bool Anneal { get; init; }
    public int Seed { get; init; }
    /// <summary>Allow several partitions (bitstreams) when the network does not fit one.</summary>
    public bool AllowPartitions { get; init; } = true;
    public bool AllowWeightsReloading { get; init; } = true;
    /// <summary>Mean sparsity below which a layer stays dense (fpgaConvNet: 0.1).</summary>
    [Range(0.0, 1.0)] public double DenseBelowSparsity { get; init; } = 0.1;
    /// <summary>
    /// Sparse convolution cycle figure: <see cref="LaneMaxCycles"/> (the slowest vector-dot lane of every output row, from
    /// the profile's per-row and per-filter statistics) or <see cref="AverageCycles"/> (fpgaConvNet's average over streams).
    /// </summary>
    [AllowedValues(LaneMaxCycles, AverageCycles, ErrorMessage = "'{value}' is not a sparse cycle figure; use " + LaneMaxCycles + " or " + AverageCycles)]
    public string SparseCycles { get; init; } = LaneMaxCycles;
    public const string LaneMaxCycles = "lane-max";
    public const string AverageCycles = "average";
    /// <summary>Whether the sparse vector dot skips windows whose products are all zero (0 cycles) or spends one cycle on them.</summary>
    public bool SkipAllZeroWindows { get; init; } = true;
    /// <summary>Pointwise sparse layers: streams balanced in this many clusters (fpgaConvNet's parser: 1; only the average figure).</summary>
    [Range(1, 1 << 16)] public int PointwiseClusters { get; init; } = 1;
    /// <summary>Memories at most this deep are distributed LUTRAM instead of BRAM.</summary>
    [Range(0, 1 << 20)] public int LutramMaxDepth { get; init; } = 64;
    /// <summary>A weight memory moves to URAM (when BRAM is over budget) only if it takes at least this many BRAM18.</summary>
    [Range(1, 1 << 20)] public int UramMinBram18 { get; init; } = 1;
    /// <summary>Activation (data) word width, 8 or 16; null = 16. Left out of the JSON when unset, so existing design keys are unchanged.</summary>
    [AllowedValues(null, 8, 16, ErrorMessage = "must be 8 or 16")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DataBits { get; init; }
    /// <summary>Weight word width, 8 or 16; null = 16.</summary>
    [AllowedValues(null, 8, 16, ErrorMessage = "must be 8 or 16")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? WeightBits { get; init; }
}
