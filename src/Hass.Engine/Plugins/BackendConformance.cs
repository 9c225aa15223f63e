using System.Globalization;
using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>One check of <see cref="BackendConformance"/>: what was checked, whether it held, and what was seen.</summary>
public sealed record BackendCheck(string Name, bool Passed, string Detail);

/// <summary>
/// What the engine relies on from an accelerator backend (docs/writing-a-backend.md), checked on one network and board
/// through the engine's own design check (<see cref="CheckedBackend"/>): `hass backend check`. A backend that passes
/// can still be slow or optimistic; one that fails would fail trials, the final table or `hass design`.
/// </summary>
public static class BackendConformance
{
    /// <summary>The allocation the third check asks for: below 1, so a backend that ignores it is seen.</summary>
    public const double Allocation = 0.8;

    /// <summary>How many checks <see cref="Run"/> makes when the dense network gets a design.</summary>
    public const int Checks = 6;

    /// <summary>Runs every check in order; when the dense network gets no design, the checks that need one are left out.</summary>
    public static IReadOnlyList<BackendCheck> Run(CheckedBackend backend, NetworkGraph graph, BoardSpec board, CancellationToken cancellationToken = default)
    {
        var options = new DesignOptions();
        var dense = SparsityProfile.Dense(graph.Name);
        HardwareDesign? design = null;
        var results = new List<BackendCheck>
        {
            Check("designs the dense network", () =>
            {
                design = backend.Optimize(graph, dense, board, options, cancellationToken);
                return Describe(design, board);
            }),
        };
        if (design is null) return results;
        var first = design;
        results.Add(Check("gives the same design for the same input", () =>
        {
            var again = backend.Optimize(graph, dense, board, options, cancellationToken);
            return again.DesignHash() == first.DesignHash() ? $"design {first.DesignHash()[..12]} twice"
                : throw new CheckFailedException($"two calls gave designs {first.DesignHash()[..12]} and {again.DesignHash()[..12]}; seed any randomness from the options");
        }));
        results.Add(Check($"keeps to a resource allocation of {Allocation.ToString(CultureInfo.InvariantCulture)}", () =>
        {
            var allocated = backend.Optimize(graph, dense, board, options with { ResourceAllocation = Allocation }, cancellationToken);
            return allocated.Resources.FitsOn(board, Allocation) ? Describe(allocated, board)
                : throw new CheckFailedException($"it uses {Usage(allocated.Resources, board)}, more than {(Allocation * 100).ToString("0", CultureInfo.InvariantCulture)}% of the board");
        }));
        results.Add(Check("evaluates the folding of its own design", () =>
        {
            var evaluated = backend.Evaluate(graph, dense, board, first.Folding, options);
            double got = evaluated.Performance.ThroughputImagesPerSecond, designed = first.Performance.ThroughputImagesPerSecond;
            var seen = $"{got.ToString("N1", CultureInfo.InvariantCulture)} img/s (its design: {designed.ToString("N1", CultureInfo.InvariantCulture)})";
            return Math.Abs(got - designed) <= 1e-9 * designed ? seen
                : throw new CheckFailedException(seen + "; Evaluate of a design's folding (HardwareDesign.Folding: each layer's factors, implementation and partition) must give that design");
        }));
        results.Add(Check("designs the network with half of each conv's products zero", () =>
        {
            var sparse = backend.Optimize(graph, HalfZero(graph), board, options, cancellationToken);
            var ratio = sparse.Performance.ThroughputImagesPerSecond / first.Performance.ThroughputImagesPerSecond;
            return $"{Describe(sparse, board)}; {ratio.ToString("F2", CultureInfo.InvariantCulture)}× the dense design";
        }));
        results.Add(Check("says so when the network does not fit the board", () => TooSmall(backend, graph, board, options, cancellationToken)));
        return results;
    }

    private static string TooSmall(CheckedBackend backend, NetworkGraph graph, BoardSpec board, DesignOptions options, CancellationToken cancellationToken)
    {
        var tiny = board with { Name = board.Name + "-tiny", Dsp = 1, Bram18 = 1, Uram = 0, Lut = 100, Ff = 100 };
        try
        {
            var design = backend.Optimize(graph, SparsityProfile.Dense(graph.Name), tiny, options, cancellationToken);
            return $"it fits even 1 DSP, 1 BRAM18, 100 LUT and 100 FF: {Describe(design, tiny)}";
        }
        catch (DesignDoesNotFitException e)
        {
            return "DesignDoesNotFitException: " + e.Message;
        }
        catch (PluginFaultException e) when (e.InnerException is ArgumentException)
        {
            return "refused: " + e.Message;
        }
    }

    private static BackendCheck Check(string name, Func<string> body)
    {
        try
        {
            return new BackendCheck(name, true, body());
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new BackendCheck(name, false, e is DesignDoesNotFitException ? $"the network does not fit this board ({e.Message}); try a larger --board" : e.Message);
        }
    }

    private static string Describe(HardwareDesign design, BoardSpec board) =>
        $"{design.Performance.ThroughputImagesPerSecond.ToString("N1", CultureInfo.InvariantCulture)} img/s, {Usage(design.Resources, board)}";

    private static string Usage(ResourceUsage r, BoardSpec board) =>
        $"DSP {r.Dsp:0}/{board.Dsp}, BRAM18 {r.Bram18:0}/{board.Bram18}, LUT {r.Lut:0}/{board.Lut}, FF {r.Ff:0}/{board.Ff}";

    /// <summary>Every conv layer with each window's zeros Binomial(K, ½): the profile of a network pruned to about half its products.</summary>
    public static SparsityProfile HalfZero(NetworkGraph graph) => new()
    {
        Model = graph.Name,
        Layers = graph.Layers.Where(l => l.Kind == LayerKind.Conv).Select(l => new LayerSparsity
        {
            Layer = l.Name, KernelSize = l.KernelSize, EffectiveSparsity = 0.5, WeightDensity = 0.75, ActivationDensity = 0.75,
            Histogram = Enumerable.Range(0, l.InputShape.Channels).Select(_ => HalfBinomial(l.KernelSize)).ToArray(),
        }).ToList(),
    };

    private static double[] HalfBinomial(int n)
    {
        var bins = new double[n + 1];
        double choose = 1;
        for (int z = 0; z <= n; z++)
        {
            bins[z] = choose * Math.Pow(0.5, n);
            choose = choose * (n - z) / (z + 1);
        }
        return bins;
    }

    private sealed class CheckFailedException(string message) : Exception(message);
}
