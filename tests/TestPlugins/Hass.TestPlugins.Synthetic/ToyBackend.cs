using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>
/// A toy analytic cost model: DSPs are shared among Conv/Linear layers in proportion to their dense MACs;
/// a layer's cycles per image = MACs × (1 − effective sparsity) / its DSPs; throughput = clock / slowest layer.
/// </summary>
public sealed class ToyBackend : IAcceleratorBackend
{
    public string Name => "toy";
    public string Description => "Test-only analytic backend (MAC-proportional DSP split)";
    public string Version => "1.0";

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default)
    {
        var compute = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear).ToList();
        var dsps = Math.Max(compute.Count, (int)(board.Dsp * options.ResourceAllocation));
        var totalMacs = (double)compute.Sum(l => l.Macs);
        var folding = compute.ToDictionary(l => l.Name, l => new LayerFolding(CoarseOut: Math.Max(1, (int)(dsps * l.Macs / totalMacs))));
        return Evaluate(graph, profile, board, folding, options);
    }

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options)
    {
        var layers = new List<LayerDesign>();
        foreach (var l in graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear))
        {
            var f = folding.GetValueOrDefault(l.Name) ?? LayerFolding.Unit;
            var sparsity = profile.For(l.Name)?.EffectiveSparsity ?? 0;
            var parallel = f.CoarseIn * f.CoarseOut * f.Fine;
            layers.Add(new LayerDesign
            {
                Layer = l.Name, Kind = l.Kind, Folding = f, Cycles = Math.Max(1, l.Macs * (1 - sparsity) / parallel), Sparse = sparsity > options.DenseBelowSparsity,
                Resources = new ResourceUsage(Dsp: parallel, Lut: 100 * parallel, Ff: 200 * parallel),
            });
        }
        var slowest = layers.MaxBy(l => l.Cycles)!;
        var throughput = board.ClockMhz * 1e6 / slowest.Cycles;
        var resources = layers.Aggregate(ResourceUsage.Zero, (a, l) => a + l.Resources);
        var gops = graph.DenseOperations * throughput / 1e9;
        return new HardwareDesign
        {
            Backend = Name, BackendVersion = Version, Board = board.Name, Graph = graph.Name, GraphHash = graph.ContentHash(),
            ProfileHash = profile.ContentHash(), Layers = layers, Resources = resources,
            Performance = new Performance
            {
                ThroughputImagesPerSecond = throughput, IntervalCycles = slowest.Cycles, BottleneckLayer = slowest.Layer,
                LatencySeconds = layers.Sum(l => l.Cycles) / (board.ClockMhz * 1e6), GopPerSecond = gops,
                GopPerSecondPerDsp = gops / Math.Max(1, resources.Dsp), BatchSize = options.BatchSize,
            },
        };
    }
}
