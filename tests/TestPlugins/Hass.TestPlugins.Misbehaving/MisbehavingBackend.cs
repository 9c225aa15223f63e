using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>
/// A backend that builds a plain design (every compute layer at the unit folding, one DSP each) and then spoils it, or
/// throws, or sleeps through cancellation (always, or only for the final table's dense design: the one design asked for a
/// profile without layers). Evaluate is Optimize's design whatever the folding.
/// </summary>
public sealed class MisbehavingBackend(string name, Func<HardwareDesign, BoardSpec, SparsityProfile, HardwareDesign> spoil) : IAcceleratorBackend
{
    public string Name => name;
    public string Description => "Test-only backend that misbehaves: " + name;
    public string Version => "1.0";

    public static IEnumerable<MisbehavingBackend> All() =>
    [
        new("nan-throughput", (d, _, _) => WithThroughput(d, double.NaN)),
        new("infinite-throughput", (d, _, _) => WithThroughput(d, double.PositiveInfinity)),
        new("zero-throughput", (d, _, _) => WithThroughput(d, 0)),
        new("negative-throughput", (d, _, _) => WithThroughput(d, -5)),
        new("oversized", (d, b, _) => d with { Resources = new ResourceUsage(Dsp: 10.0 * b.Dsp, Lut: 10.0 * b.Lut, Ff: b.Ff) }),
        new("no-layers", (d, _, _) => d with { Layers = [] }),
        new("null-layers", (d, _, _) => d with { Layers = null! }),
        new("throws-invalid-operation", (_, _, _) => throw new InvalidOperationException("the test backend's DSE gave up (by design)")),
        new("throws-null-reference", (_, _, _) => throw new NullReferenceException()),
        new("ignores-cancel", (d, _, _) => SleepThroughCancellation("ignores-cancel", d)),
        new("ignores-cancel-in-final", (d, _, p) => p.Layers.Count == 0 ? SleepThroughCancellation("ignores-cancel-in-final", d) : d),
    ];

    private static HardwareDesign SleepThroughCancellation(string name, HardwareDesign design)
    {
        Console.Out.WriteLine($"{name}: in Optimize, deaf to cancellation");   // what a test waits for before it interrupts
        Console.Out.Flush();
        Thread.Sleep(TimeSpan.FromMinutes(10));
        return design;
    }

    private static HardwareDesign WithThroughput(HardwareDesign design, double throughput) =>
        design with { Performance = design.Performance with { ThroughputImagesPerSecond = throughput } };

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) =>
        spoil(Plain(graph, profile, board, options), board, profile);

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
        Optimize(graph, profile, board, options);

    private HardwareDesign Plain(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options)
    {
        var layers = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear).Select(l => new LayerDesign
        {
            Layer = l.Name, Kind = l.Kind, Folding = LayerFolding.Unit, Cycles = Math.Max(1, l.Macs), Resources = new ResourceUsage(Dsp: 1, Lut: 100, Ff: 200),
        }).ToList();
        var slowest = layers.MaxBy(l => l.Cycles)!;
        return new HardwareDesign
        {
            Backend = Name, BackendVersion = Version, Board = board.Name, Graph = graph.Name, GraphHash = graph.ContentHash(), ProfileHash = profile.ContentHash(),
            Layers = layers, Resources = layers.Aggregate(ResourceUsage.Zero, (a, l) => a + l.Resources),
            Performance = new Performance
            {
                ThroughputImagesPerSecond = board.ClockMhz * 1e6 / slowest.Cycles, IntervalCycles = slowest.Cycles, BottleneckLayer = slowest.Layer,
                LatencySeconds = layers.Sum(l => l.Cycles) / (board.ClockMhz * 1e6), BatchSize = options.BatchSize,
            },
        };
    }
}
