using System.Diagnostics;
using System.Globalization;
using Hass.Abstractions;
using Hass.Backends.Dataflow;
using Hass.Backends.TestSupport;

// DSE benchmark: time of one Optimize per (model, board) on one core, dense throughput vs the DSP-bound limit on U250,
// and whether the small Fashion-MNIST CNN is DSP-bound on the small Zynq boards.
// Usage: dotnet run -c Release --project bench/Hass.Bench.Dse [-- --repeats N] [--anneal]
//        ... -- --dump MODEL BOARD dense|sparse [--json]   per-layer table (or JSON) of one design
//        ... -- --phases MODEL BOARD dense|sparse          time of build / partition / greedy / whole Optimize
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
int repeats = 7;
bool anneal = args.Contains("--anneal");
for (int i = 0; i < args.Length - 1; i++) if (args[i] == "--repeats") repeats = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) Process.GetCurrentProcess().ProcessorAffinity = 1; // one core

string boardsDir = FindBoards();
BoardSpec Board(string name) => HassJson.ReadFile<BoardSpec>(Path.Combine(boardsDir, name + ".json"));
var sparseBackend = new DataflowBackend(sparse: true);
var denseBackend = new DataflowBackend(sparse: false);
var options = new DesignOptions { Anneal = anneal, Seed = 1 };

int phasesAt = Array.IndexOf(args, "--phases");
if (phasesAt >= 0)
{
    // --phases MODEL BOARD dense|sparse: time of each DSE phase (development aid).
    var graph = ZooGraphs.ByName(args[phasesAt + 1]);
    var board = Board(args[phasesAt + 2]);
    bool sp = args[phasesAt + 3] == "sparse";
    var prof = sp ? SyntheticProfiles.Uniform(graph, 0.5, 0.15, seed: 1) : SparsityProfile.Dense();
    for (int rep = 0; rep < 4; rep++)
    {
        var sw = Stopwatch.StartNew();
        var net = NetworkModel.Build(graph, prof, sp, 0.1);
        double tBuild = sw.Elapsed.TotalMilliseconds; sw.Restart();
        var unit = Enumerable.Repeat(LayerFolding.Unit, net.Nodes.Count).ToArray();
        var parts = Dse.Partition(net, board, options, unit);
        double tPart = sw.Elapsed.TotalMilliseconds; sw.Restart();
        foreach (var p in parts) Dse.Greedy(p, options);
        double tGreedy = sw.Elapsed.TotalMilliseconds; sw.Restart();
        var full = (sp ? sparseBackend : denseBackend).Optimize(graph, prof, board, options);
        double tAll = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"build {tBuild:F1} ms, partition {tPart:F1} ms ({parts.Count}), greedy {tGreedy:F1} ms, whole Optimize {tAll:F1} ms");
    }
    return;
}
int dumpAt = Array.IndexOf(args, "--dump");
if (dumpAt >= 0)
{
    // --dump MODEL BOARD dense|sparse: per-layer table of one design.
    var graph = ZooGraphs.ByName(args[dumpAt + 1]);
    var sparseRun = args[dumpAt + 3] == "sparse";
    var design = (sparseRun ? sparseBackend : denseBackend).Optimize(graph,
        sparseRun ? SyntheticProfiles.Uniform(graph, 0.5, 0.15, seed: 1) : SparsityProfile.Dense(), Board(args[dumpAt + 2]), options);
    if (args.Contains("--json")) { Console.WriteLine(HassJson.Serialize(design, indented: true)); return; }
    foreach (var l in design.Layers)
        Console.WriteLine($"{l.Partition,2} {l.Layer,-34} {l.Kind,-11} {(l.Sparse ? "S" : " ")} {l.Folding,-26} {l.Cycles,12:F0} DSP {l.Resources.Dsp,6:F0} BRAM {l.Resources.Bram18,6:F0} URAM {l.Resources.Uram,5:F0} LUT {l.Resources.Lut,8:F0}");
    Console.WriteLine($"throughput {design.Performance.ThroughputImagesPerSecond:F1} img/s, interval {design.Performance.IntervalCycles:F0}, bottleneck {design.Performance.BottleneckLayer}, {design.Resources}");
    foreach (var note in design.Notes) Console.WriteLine("note: " + note);
    return;
}

var wallMedians = new List<double>();
Console.WriteLine($"DSE time per Optimize (median thread CPU ms of {repeats}, pinned to one core, anneal={anneal}); sparse = synthetic 50% ±15% profile");
Console.WriteLine($"{"model",-20} {"board",-8} {"dense ms",9} {"sparse ms",10} {"partitions",10} {"dense img/s",12} {"sparse img/s",13}");
foreach (var model in ZooGraphs.ImageNetModels)
{
    var graph = ZooGraphs.ByName(model);
    var profile = SyntheticProfiles.Uniform(graph, 0.5, 0.15, seed: 1);
    foreach (var boardName in new[] { "u250", "zcu102" })
    {
        var board = Board(boardName);
        var (denseMs, dense) = Time(() => denseBackend.Optimize(graph, SparsityProfile.Dense(), board, options));
        var (sparseMs, sparse) = Time(() => sparseBackend.Optimize(graph, profile, board, options));
        Console.WriteLine($"{model,-20} {boardName,-8} {denseMs,9:F1} {sparseMs,10:F1} {dense.Partitions.Count + "/" + sparse.Partitions.Count,10} {dense.Performance.ThroughputImagesPerSecond,12:F1} {sparse.Performance.ThroughputImagesPerSecond,13:F1}");
    }
}

Console.WriteLine($"(wall-clock medians, same order, inflated by other processes on the shared core: {string.Join(" ", wallMedians.Select(w => w.ToString("F0")))} ms; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]})");
Console.WriteLine();
Console.WriteLine("Dense throughput on U250 vs the DSP-bound limit (DSPs × clock / MACs per image)");
Console.WriteLine($"{"model",-20} {"GMAC",7} {"img/s",9} {"DSP-bound",10} {"fraction",9} {"DSP used",9} {"bottleneck",-28}");
var u250 = Board("u250");
foreach (var model in ZooGraphs.ImageNetModels)
{
    var graph = ZooGraphs.ByName(model);
    var d = denseBackend.Optimize(graph, SparsityProfile.Dense(), u250, options);
    double limit = u250.Dsp * u250.ClockMhz * 1e6 / graph.TotalMacs;
    Console.WriteLine($"{model,-20} {graph.TotalMacs / 1e9,7:F3} {d.Performance.ThroughputImagesPerSecond,9:F1} {limit,10:F1} {d.Performance.ThroughputImagesPerSecond / limit,9:P1} {d.Resources.Dsp,9:F0} {d.Performance.BottleneckLayer,-28}");
}

Console.WriteLine();
Console.WriteLine("Fashion-MNIST CNN: is the dense design compute- (DSP-) bound? (sparse = synthetic 50% profile)");
Console.WriteLine($"{"board",-9} {"dense img/s",12} {"DSP-bound",10} {"fraction",9} {"DSP used/avail",15} {"LUT %",6} {"BRAM %",7} {"configs",7} {"bottleneck",-14} {"sparse img/s",13} {"speed-up",9} {"compute-bound?",15}");
var fmnist = ZooGraphs.FashionMnistCnn();
var fmnistProfile = SyntheticProfiles.Uniform(fmnist, 0.5, 0.15, seed: 1);
foreach (var boardName in new[] { "zedboard", "zc706" })
{
    var board = Board(boardName);
    var d = denseBackend.Optimize(fmnist, SparsityProfile.Dense(), board, options);
    var s = sparseBackend.Optimize(fmnist, fmnistProfile, board, options);
    double limit = board.Dsp * board.ClockMhz * 1e6 / fmnist.TotalMacs;
    // Compute-bound: the bottleneck is a conv/linear layer that could not be folded further within the resources
    // (not the input port, not the memory bandwidth): then sparsity can speed the design up.
    var bottleneckKind = d.Layers.FirstOrDefault(l => l.Layer == d.Performance.BottleneckLayer)?.Kind;
    // With several configurations the reconfiguration time, not the compute, dominates.
    bool computeBound = d.Partitions.Count == 1 && (bottleneckKind is LayerKind.Conv or LayerKind.Linear) && d.Performance.ThroughputImagesPerSecond < 0.5 * IoLimit(fmnist, board);
    string binding = d.Resources.Dsp / board.Dsp >= d.Resources.Lut / board.Lut ? "DSP" : "LUT";
    Console.WriteLine($"{boardName,-9} {d.Performance.ThroughputImagesPerSecond,12:F0} {limit,10:F0} {d.Performance.ThroughputImagesPerSecond / limit,9:P1} {d.Resources.Dsp + "/" + board.Dsp,15} {100 * d.Resources.Lut / board.Lut,6:F0} {100 * d.Resources.Bram18 / board.Bram18,7:F0} {d.Partitions.Count,7} {d.Performance.BottleneckLayer,-14} {s.Performance.ThroughputImagesPerSecond,13:F0} {s.Performance.ThroughputImagesPerSecond / d.Performance.ThroughputImagesPerSecond,9:F2} {(computeBound ? "yes (" + binding + ")" : "no"),15}");
}

// Median thread CPU time (CLOCK_THREAD_CPUTIME_ID): the machine is shared, so wall-clock time would also count the
// time other processes hold the core. Wall-clock medians are printed at the end for reference.
Console.WriteLine();
Console.WriteLine("Dataflow vs the non-dataflow baseline (systolic) on U250 and ZCU102, 50% ±15% synthetic sparsity: img/s and GOP/s per DSP");
Console.WriteLine($"{"model",-20} {"board",-8} {"dataflow-sparse",16} {"systolic-sparse",16} {"ratio",6} {"GOP/s/DSP df",13} {"GOP/s/DSP sys",14}");
var systolic = new Hass.Backends.Systolic.SystolicBackend(sparse: true);
foreach (var model in ZooGraphs.ImageNetModels)
{
    var graph = ZooGraphs.ByName(model);
    var profile = SyntheticProfiles.Uniform(graph, 0.5, 0.15, seed: 1);
    foreach (var boardName in new[] { "u250", "zcu102" })
    {
        var board = Board(boardName);
        var df = sparseBackend.Optimize(graph, profile, board, options);
        var sy = systolic.Optimize(graph, profile, board, options);
        Console.WriteLine($"{model,-20} {boardName,-8} {df.Performance.ThroughputImagesPerSecond,16:F1} {sy.Performance.ThroughputImagesPerSecond,16:F1} {df.Performance.ThroughputImagesPerSecond / sy.Performance.ThroughputImagesPerSecond,6:F2} {df.Performance.GopPerSecondPerDsp,13:F3} {sy.Performance.GopPerSecondPerDsp,14:F3}");
    }
}

(double Ms, HardwareDesign Design) Time(Func<HardwareDesign> run)
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
    wallMedians.Add(wall[wall.Count / 2]);
    return (cpu[cpu.Count / 2], design);
}

// Images per second the input port allows (one word per stream per cycle, at most portWidth/16 streams).
static double IoLimit(NetworkGraph g, BoardSpec b)
{
    var input = g.Layers[0].OutputShape;
    return b.ClockMhz * 1e6 / (input.Elements / (double)Math.Min(b.PortWidthBits / 16, input.Channels));
}

static string FindBoards()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        if (File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) return Path.Combine(dir.FullName, "boards");
    throw new DirectoryNotFoundException("cannot find the repository root (HASS.Engine.sln) above " + AppContext.BaseDirectory);
}

static class ThreadCpu
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    /// <summary>CPU time of the calling thread in milliseconds (Linux; falls back to process CPU time elsewhere).</summary>
    public static double Milliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var t) == 0)
            return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }
}
