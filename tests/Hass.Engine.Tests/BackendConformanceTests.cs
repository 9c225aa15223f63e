using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Engine.Tests;

/// <summary>The backend conformance checks (`hass backend check`) pass a backend that keeps the contract and name each way one breaks it.</summary>
public class BackendConformanceTests
{
    private static readonly NetworkGraph Graph = new()
    {
        Name = "one-conv",
        Layers = [new Layer { Name = "conv", Kind = LayerKind.Conv, InputShape = new(4, 8, 8), OutputShape = new(8, 8, 8), KernelRows = 3, KernelCols = 3, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1 }],
    };

    private static readonly BoardSpec Board = new() { Name = "b", Dsp = 100, Bram18 = 100, Lut = 10_000, Ff = 20_000, ClockMhz = 100, MemoryBandwidthGbps = 4 };

    public enum Fault { None, Nondeterministic, IgnoresAllocation, CrashesOnTinyBoard, NaNWhenSparse, CannotFitAnything, EvaluatesItsFoldingElsewise }

    /// <summary>Uses 10 DSPs per unit of parallelism, as many units as the allocation allows (one less every other call when nondeterministic); faster with more zeros.</summary>
    private sealed class Backend(Fault fault) : IAcceleratorBackend
    {
        private int _calls;
        public string Name => "test";
        public string Description => "test backend";
        public string Version => "1";

        public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default)
        {
            if (fault == Fault.CannotFitAnything || board.Dsp < 10)
            {
                if (fault == Fault.CrashesOnTinyBoard) throw new NullReferenceException("no units");
                throw new DesignDoesNotFitException($"'{graph.Name}' needs 10 DSPs, '{board.Name}' has {board.Dsp}");
            }
            var share = fault == Fault.IgnoresAllocation ? 1.0 : options.ResourceAllocation;
            int units = (int)(share * board.Dsp / 10) - (fault == Fault.Nondeterministic ? ++_calls % 2 : 0);
            return Design(graph, board, units, profile.Layers.Count > 0 ? (fault == Fault.NaNWhenSparse ? double.NaN : 2) : 1);
        }

        public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
            Design(graph, board, folding.Values.Single().CoarseOut - (fault == Fault.EvaluatesItsFoldingElsewise ? 1 : 0), 1);

        private HardwareDesign Design(NetworkGraph graph, BoardSpec board, int units, double speedUp) => new()
        {
            Backend = Name, BackendVersion = Version, Board = board.Name, Graph = graph.Name,
            Layers = [new LayerDesign { Layer = "conv", Kind = LayerKind.Conv, Folding = new LayerFolding(CoarseOut: units), Cycles = 1000.0 / units }],
            Resources = new ResourceUsage(Dsp: 10 * units, Lut: 100 * units, Ff: 100 * units),
            Performance = new Performance { ThroughputImagesPerSecond = speedUp * units * 100 },
        };
    }

    private static IReadOnlyList<BackendCheck> Run(Fault fault) => BackendConformance.Run(new CheckedBackend(new Backend(fault), "Lab.Backends"), Graph, Board);

    [Fact]
    public void A_backend_that_keeps_the_contract_passes_every_check()
    {
        var results = Run(Fault.None);
        Assert.Equal(BackendConformance.Checks, results.Count);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Detail}"));
        Assert.Equal("1,000.0 img/s, DSP 100/100, BRAM18 0/100, LUT 1000/10000, FF 1000/20000", results[0].Detail);
        Assert.Equal("800.0 img/s, DSP 80/100, BRAM18 0/100, LUT 800/10000, FF 800/20000", results[2].Detail);
        Assert.EndsWith("; 2.00× the dense design", results[4].Detail);
        Assert.StartsWith("DesignDoesNotFitException: 'one-conv' needs 10 DSPs, 'b-tiny' has 1", results[5].Detail);
    }

    [Theory]
    [InlineData(Fault.Nondeterministic, "gives the same design for the same input", "two calls gave designs ")]
    [InlineData(Fault.IgnoresAllocation, "keeps to a resource allocation of 0.8", "it uses DSP 100/100, BRAM18 0/100, LUT 1000/10000, FF 1000/20000, more than 80% of the board")]
    [InlineData(Fault.CrashesOnTinyBoard, "says so when the network does not fit the board", "backend 'test' (plugin Lab.Backends) threw NullReferenceException in Optimize: no units")]
    [InlineData(Fault.EvaluatesItsFoldingElsewise, "evaluates the folding of its own design", "900.0 img/s (its design: 1,000.0); Evaluate of a design's folding")]
    [InlineData(Fault.NaNWhenSparse, "designs the network with half of each conv's products zero", "backend 'test' (plugin Lab.Backends) returned a design from Optimize with a throughput of NaN")]
    public void A_backend_that_breaks_the_contract_fails_the_check_that_shows_it_and_only_that_one(Fault fault, string check, string detail)
    {
        var results = Run(fault);
        var failed = Assert.Single(results, r => !r.Passed);
        Assert.Equal(check, failed.Name);
        Assert.StartsWith(detail, failed.Detail);
    }

    [Fact]
    public void A_network_that_does_not_fit_leaves_the_checks_that_need_a_design_out()
    {
        var failed = Assert.Single(Run(Fault.CannotFitAnything));
        Assert.False(failed.Passed);
        Assert.Equal("the network does not fit this board ('one-conv' needs 10 DSPs, 'b' has 100); try a larger --board", failed.Detail);
    }

    [Fact]
    public void The_half_zero_profile_has_a_binomial_row_per_input_channel_of_each_conv()
    {
        var layer = Assert.Single(BackendConformance.HalfZero(Graph).Layers);
        Assert.Equal(4, layer.Histogram.Length);
        Assert.All(layer.Histogram, row => Assert.Equal(1.0, row.Sum(), 12));
        Assert.Equal(0.5, layer.MeanSparsity(), 12);
        Assert.Equal(126.0 / 512, layer.Histogram[0][4], 12);
    }
}
