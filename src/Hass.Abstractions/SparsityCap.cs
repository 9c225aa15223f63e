using System.Globalization;

namespace Hass.Abstractions;

/// <summary>
/// What a design's folding reaches whatever the zeros. No layer goes below its <see cref="LayerDesign.FloorCycles"/>, so
/// no profile gets the folding past one image per largest floor: at most <see cref="ImagesPerSecond"/>, <see cref="Headroom"/>
/// times the design's throughput (a bound: the pipeline's fill is left out). Past it the DSE must fold the
/// <see cref="Stages"/> wider, which costs resources that only zeros elsewhere can free.
/// </summary>
public sealed record SparsityCap(double ImagesPerSecond, double Headroom, double FloorCycles, IReadOnlyList<string> Stages)
{
    /// <summary>
    /// The cap of a design in one configuration without weights reloading whose backend gives every layer's floor; null
    /// otherwise (reconfiguration and reloading time do not shrink with zeros) and for a memory-bound design.
    /// </summary>
    public static SparsityCap? Of(HardwareDesign design)
    {
        var layers = design.Layers.Where(l => l.Kind != LayerKind.Input).ToList();
        var performance = design.Performance;
        if (design.Partitions is not [{ WeightsReloading: 1, CyclesPerBatch: > 0 } partition] || performance.BottleneckLayer == Performance.MemoryBandwidth
            || layers.Count == 0 || layers.Any(l => l.FloorCycles is null))
            return null;
        double floor = layers.Max(l => l.FloorCycles!.Value);
        if (!(floor > 0 && performance.ThroughputImagesPerSecond > 0 && performance.BatchSize > 0)) return null;
        double clockHz = performance.ThroughputImagesPerSecond * partition.CyclesPerBatch / performance.BatchSize;
        double cap = clockHz / floor;
        var stages = layers.Where(l => l.FloorCycles >= floor * (1 - 1e-9)).Select(l => l.Layer).ToList();
        return new SparsityCap(cap, cap / performance.ThroughputImagesPerSecond, floor, stages);
    }

    /// <summary>"1.88× headroom: this folding reaches at most 2,500 img/s whatever the zeros; then relu1, pool (2 stages) stream at their floor of 400 cycles".</summary>
    public string Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var named = string.Join(", ", Stages.Take(4)) + (Stages.Count > 4 ? ", …" : "");
        var floor = FloorCycles.ToString("N0", inv);
        var where = Stages.Count == 1 ? $"(1 stage) streams at its floor of {floor} cycles" : $"({Stages.Count} stages) stream at their floor of {floor} cycles";
        return $"{Headroom.ToString("F2", inv)}× headroom: this folding reaches at most {ImagesPerSecond.ToString("N0", inv)} img/s whatever the zeros; then {named} {where}";
    }
}
