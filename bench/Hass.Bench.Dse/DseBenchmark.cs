using System.Diagnostics;
using Hass.Abstractions;
using Hass.Backends.Dataflow;
using Hass.Backends.TestSupport;

namespace Hass.Bench.Dse;

/// <summary>The tables of the DSE benchmark (README.md), one method each, and the two development aids.</summary>
internal sealed class DseBenchmark(int repeats, bool anneal)
{
    private readonly string _boardsDir = FindBoards();
    private readonly DataflowBackend _sparseBackend = new(sparse: true);
    private readonly DataflowBackend _denseBackend = new(sparse: false);
    private readonly DesignOptions _options = new() { Anneal = anneal, Seed = 1 };
    private readonly List<double> _wallMedians = [];

    private BoardSpec Board(string name) => HassJson.ReadFile<BoardSpec>(Path.Combine(_boardsDir, name + ".json"));

    private static SparsityProfile Profile(NetworkGraph graph, bool sparse) =>
        sparse ? SyntheticProfiles.Uniform(graph, 0.5, 0.15, seed: 1) : SparsityProfile.Dense();

    /// <summary>Time of each DSE phase of one design.</summary>
    public void Phases(string model, string boardName, bool sparse)
    {
        var graph = ZooGraphs.ByName(model);
        var board = Board(boardName);
        var prof = Profile(graph, sparse);
        for (int rep = 0; rep < 4; rep++)
        {
            var sw = Stopwatch.StartNew();
            var net = NetworkModel.Build(graph, prof, sparse, 0.1);
            double tBuild = sw.Elapsed.TotalMilliseconds; sw.Restart();
            var unit = Enumerable.Repeat(LayerFolding.Unit, net.Nodes.Count).ToArray();
            var parts = Partitioner.Partition(net, board, _options, unit);
            double tPart = sw.Elapsed.TotalMilliseconds; sw.Restart();
            foreach (var p in parts) GreedyFolding.Greedy(p, _options);
            double tGreedy = sw.Elapsed.TotalMilliseconds; sw.Restart();
            (sparse ? _sparseBackend : _denseBackend).Optimize(graph, prof, board, _options);
            double tAll = sw.Elapsed.TotalMilliseconds;
            Console.WriteLine($"build {tBuild:F1} ms, partition {tPart:F1} ms ({parts.Count}), greedy {tGreedy:F1} ms, whole Optimize {tAll:F1} ms");
        }
    }

    /// <summary>Per-layer table (or JSON) of one design.</summary>
    public void Dump(string model, string boardName, bool sparse, bool json)
    {
        var graph = ZooGraphs.ByName(model);
        var design = (sparse ? _sparseBackend : _denseBackend).Optimize(graph, Profile(graph, sparse), Board(boardName), _options);
        if (json) { Console.WriteLine(HassJson.Serialize(design, indented: true)); return; }
        foreach (var l in design.Layers)
            Console.WriteLine($"{l.Partition,2} {l.Layer,-34} {l.Kind,-11} {(l.Sparse ? "S" : " ")} {l.Folding,-26} {l.Cycles,12:F0} DSP {l.Resources.Dsp,6:F0} BRAM {l.Resources.Bram18,6:F0} URAM {l.Resources.Uram,5:F0} LUT {l.Resources.Lut,8:F0}");
        Console.WriteLine($"throughput {design.Performance.ThroughputImagesPerSecond:F1} img/s, interval {design.Performance.IntervalCycles:F0}, bottleneck {design.Performance.BottleneckLayer}, {design.Resources}");
        foreach (var note in design.Notes) Console.WriteLine("note: " + note);
    }

    /// <summary>The five tables of README.md (only the last with <paramref name="ownFoldingOnly"/>).</summary>
    public void Tables(bool ownFoldingOnly)
    {
        if (ownFoldingOnly) { OwnFolding(); return; }
        DseTime();
        DenseVsDspBound();
        FashionMnistComputeBound();
        DataflowVsSystolic();
        OwnFolding();
    }

    private void DseTime()
    {
        Console.WriteLine($"DSE time per Optimize (median thread CPU ms of {repeats}, pinned to one core, anneal={anneal}); sparse = synthetic 50% ±15% profile");
        Console.WriteLine($"{"model",-20} {"board",-8} {"dense ms",9} {"sparse ms",10} {"partitions",10} {"dense img/s",12} {"sparse img/s",13}");
        foreach (var model in ZooGraphs.ImageNetModels)
        {
            var graph = ZooGraphs.ByName(model);
            var profile = Profile(graph, sparse: true);
            foreach (var boardName in new[] { "u250", "zcu102" })
            {
                var board = Board(boardName);
                var (denseMs, dense) = Time(() => _denseBackend.Optimize(graph, SparsityProfile.Dense(), board, _options));
                var (sparseMs, sparse) = Time(() => _sparseBackend.Optimize(graph, profile, board, _options));
                Console.WriteLine($"{model,-20} {boardName,-8} {denseMs,9:F1} {sparseMs,10:F1} {dense.Partitions.Count + "/" + sparse.Partitions.Count,10} {dense.Performance.ThroughputImagesPerSecond,12:F1} {sparse.Performance.ThroughputImagesPerSecond,13:F1}");
            }
        }
        Console.WriteLine($"(wall-clock medians, same order, inflated by other processes on the shared core: {string.Join(" ", _wallMedians.Select(w => w.ToString("F0")))} ms; load average {MachineLoad.OneMinute()})");
    }

    private void DenseVsDspBound()
    {
        Console.WriteLine();
        Console.WriteLine("Dense throughput on U250 vs the DSP-bound limit (DSPs × clock / MACs per image)");
        Console.WriteLine($"{"model",-20} {"GMAC",7} {"img/s",9} {"DSP-bound",10} {"fraction",9} {"DSP used",9} {"bottleneck",-28}");
        var u250 = Board("u250");
        foreach (var model in ZooGraphs.ImageNetModels)
        {
            var graph = ZooGraphs.ByName(model);
            var d = _denseBackend.Optimize(graph, SparsityProfile.Dense(), u250, _options);
            double limit = u250.Dsp * u250.ClockMhz * 1e6 / graph.TotalMacs;
            Console.WriteLine($"{model,-20} {graph.TotalMacs / 1e9,7:F3} {d.Performance.ThroughputImagesPerSecond,9:F1} {limit,10:F1} {d.Performance.ThroughputImagesPerSecond / limit,9:P1} {d.Resources.Dsp,9:F0} {d.Performance.BottleneckLayer,-28}");
        }
    }

    private void FashionMnistComputeBound()
    {
        Console.WriteLine();
        Console.WriteLine("Fashion-MNIST CNN: is the dense design compute- (DSP-) bound? (sparse = synthetic 50% profile)");
        Console.WriteLine($"{"board",-9} {"dense img/s",12} {"DSP-bound",10} {"fraction",9} {"DSP used/avail",15} {"LUT %",6} {"BRAM %",7} {"configs",7} {"bottleneck",-14} {"sparse img/s",13} {"speed-up",9} {"compute-bound?",15}");
        var fmnist = ZooGraphs.FashionMnistCnn();
        var fmnistProfile = Profile(fmnist, sparse: true);
        foreach (var boardName in new[] { "zedboard", "zc706" })
        {
            var board = Board(boardName);
            var d = _denseBackend.Optimize(fmnist, SparsityProfile.Dense(), board, _options);
            var s = _sparseBackend.Optimize(fmnist, fmnistProfile, board, _options);
            double limit = board.Dsp * board.ClockMhz * 1e6 / fmnist.TotalMacs;
            // Compute-bound: the bottleneck is a conv/linear layer that could not be folded further within the resources
            // (not the input port, not the memory bandwidth): then sparsity can speed the design up.
            var bottleneckKind = d.Layers.FirstOrDefault(l => l.Layer == d.Performance.BottleneckLayer)?.Kind;
            // With several configurations the reconfiguration time, not the compute, dominates.
            bool computeBound = d.Partitions.Count == 1 && (bottleneckKind is LayerKind.Conv or LayerKind.Linear) && d.Performance.ThroughputImagesPerSecond < 0.5 * IoLimit(fmnist, board);
            string binding = d.Resources.Dsp / board.Dsp >= d.Resources.Lut / board.Lut ? "DSP" : "LUT";
            Console.WriteLine($"{boardName,-9} {d.Performance.ThroughputImagesPerSecond,12:F0} {limit,10:F0} {d.Performance.ThroughputImagesPerSecond / limit,9:P1} {d.Resources.Dsp + "/" + board.Dsp,15} {100 * d.Resources.Lut / board.Lut,6:F0} {100 * d.Resources.Bram18 / board.Bram18,7:F0} {d.Partitions.Count,7} {d.Performance.BottleneckLayer,-14} {s.Performance.ThroughputImagesPerSecond,13:F0} {s.Performance.ThroughputImagesPerSecond / d.Performance.ThroughputImagesPerSecond,9:F2} {(computeBound ? "yes (" + binding + ")" : "no"),15}");
        }
    }

    private void DataflowVsSystolic()
    {
        Console.WriteLine();
        Console.WriteLine("Dataflow vs the non-dataflow baseline (systolic) on U250 and ZCU102, 50% ±15% synthetic sparsity: img/s and GOP/s per DSP");
        Console.WriteLine($"{"model",-20} {"board",-8} {"dataflow-sparse",16} {"systolic-sparse",16} {"ratio",6} {"GOP/s/DSP df",13} {"GOP/s/DSP sys",14}");
        var systolic = new Hass.Backends.Systolic.SystolicBackend(sparse: true);
        foreach (var model in ZooGraphs.ImageNetModels)
        {
            var graph = ZooGraphs.ByName(model);
            var profile = Profile(graph, sparse: true);
            foreach (var boardName in new[] { "u250", "zcu102" })
            {
                var board = Board(boardName);
                var df = _sparseBackend.Optimize(graph, profile, board, _options);
                var sy = systolic.Optimize(graph, profile, board, _options);
                Console.WriteLine($"{model,-20} {boardName,-8} {df.Performance.ThroughputImagesPerSecond,16:F1} {sy.Performance.ThroughputImagesPerSecond,16:F1} {df.Performance.ThroughputImagesPerSecond / sy.Performance.ThroughputImagesPerSecond,6:F2} {df.Performance.GopPerSecondPerDsp,13:F3} {sy.Performance.GopPerSecondPerDsp,14:F3}");
            }
        }
    }

    private void OwnFolding()
    {
        Console.WriteLine();
        Console.WriteLine("dataflow-sparse: each design against its own folding evaluated (sparse = synthetic 50% ±15% profile). \"recut\": each layer's factors and");
        Console.WriteLine("implementation, the configurations cut by Evaluate (above 1 means the DSE left speed it could find); \"whole\": the design's full folding, partitions too");
        Console.WriteLine($"{"model",-20} {"board",-9} {"profile",-7} {"designed img/s",15} {"configs",7} {"recut img/s",16} {"configs",7} {"recut/design",12} {"whole/design",12}");
        foreach (var model in ZooGraphs.ImageNetModels)
        {
            var graph = ZooGraphs.ByName(model);
            foreach (var boardName in new[] { "zedboard", "zc706", "zcu102", "kv260", "u250" })
            {
                var board = Board(boardName);
                foreach (var sparse in new[] { false, true })
                {
                    var profile = Profile(graph, sparse);
                    var designed = _sparseBackend.Optimize(graph, profile, board, _options);
                    double throughput = designed.Performance.ThroughputImagesPerSecond;
                    string row = $"{model,-20} {boardName,-9} {(sparse ? "sparse" : "dense"),-7} {throughput,15:F1} {designed.Partitions.Count,7}";
                    var whole = _sparseBackend.Evaluate(graph, profile, board, designed.Folding, _options).Performance.ThroughputImagesPerSecond / throughput;
                    try
                    {
                        var recut = _sparseBackend.Evaluate(graph, profile, board, designed.Folding.ToDictionary(l => l.Key, l => l.Value with { Partition = null }), _options);
                        double ratio = recut.Performance.ThroughputImagesPerSecond / throughput;
                        Console.WriteLine($"{row} {recut.Performance.ThroughputImagesPerSecond,16:F1} {recut.Partitions.Count,7} {ratio,12:F3} {whole,12:F6}");
                    }
                    catch (DesignDoesNotFitException e)
                    {
                        Console.WriteLine($"{row} {"does not fit",16} {"",7} {"",12} {whole,12:F6}  ({e.Message})");
                    }
                }
            }
        }
    }

    /// <summary>Median thread CPU time of <c>repeats</c> runs after a warm-up; the wall-clock median is kept for the footnote.</summary>
    private (double Ms, HardwareDesign Design) Time(Func<HardwareDesign> run)
    {
        var design = run(); // warm-up (JIT)
        var cpu = new List<double>();
        var wall = new List<double>();
        for (int i = 0; i < repeats; i++)
        {
            double c0 = ThreadCpu.Milliseconds();
            var sw = Stopwatch.StartNew();
            design = run();
            wall.Add(sw.Elapsed.TotalMilliseconds);
            cpu.Add(ThreadCpu.Milliseconds() - c0);
        }
        cpu.Sort();
        wall.Sort();
        _wallMedians.Add(wall[wall.Count / 2]);
        return (cpu[cpu.Count / 2], design);
    }

    // Images per second the input port allows (one word per stream per cycle, at most portWidth/16 streams).
    private static double IoLimit(NetworkGraph g, BoardSpec b)
    {
        var input = g.Layers[0].OutputShape;
        return b.ClockMhz * 1e6 / (input.Elements / (double)Math.Min(b.PortWidthBits / 16, input.Channels));
    }

    private static string FindBoards()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) return Path.Combine(dir.FullName, "boards");
        throw new DirectoryNotFoundException("cannot find the repository root (HASS.Engine.sln) above " + AppContext.BaseDirectory);
    }
}
