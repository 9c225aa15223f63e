using System.CommandLine;
using System.CommandLine.Parsing;
using System.Diagnostics;
using System.Globalization;
using Hass.Bench.Dse;

// DSE benchmark: time of one Optimize per (model, board) on one core, dense throughput vs the DSP-bound limit on U250,
// and whether the small Fashion-MNIST CNN is DSP-bound on the small Zynq boards (README.md; --help for the options).
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;

var repeats = new Option<int>("--repeats")
{
    HelpName = "N", Description = "timed Optimize calls per (model, board); the median is printed", DefaultValueFactory = _ => 7,
    Validators = { r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--repeats: must be at least 1"); } },
};
var anneal = new Option<bool>("--anneal") { Description = "with the annealing refinement (default: greedy only)" };
var dump = DesignOption("--dump", "per-layer table of one design");
var json = new Option<bool>("--json") { Description = "with --dump: the whole design as JSON instead of the table" };
var ownFolding = new Option<bool>("--own-folding") { Description = "only table 5: each design against its own folding evaluated" };
var phases = DesignOption("--phases", "time of build / partition / greedy / whole Optimize of one design (development aid)");

var root = new RootCommand("DSE time and design quality of the dataflow backends (bench/Hass.Bench.Dse/README.md)") { repeats, anneal, dump, json, phases, ownFolding };
root.SetAction(parse =>
{
    if (OperatingSystem.IsLinux() || OperatingSystem.IsWindows()) Process.GetCurrentProcess().ProcessorAffinity = 1; // one core
    var bench = new DseBenchmark(parse.GetValue(repeats), parse.GetValue(anneal));
    if (parse.GetValue(phases) is [var model, var board, var kind]) bench.Phases(model, board, kind == "sparse");
    else if (parse.GetValue(dump) is [var dumpModel, var dumpBoard, var dumpKind]) bench.Dump(dumpModel, dumpBoard, dumpKind == "sparse", parse.GetValue(json));
    else bench.Tables(parse.GetValue(ownFolding));
    return 0;
});

var result = root.Parse(args);
if (result.Errors.Count == 0) return result.Invoke();
foreach (var error in result.Errors) Console.Error.WriteLine("error: " + error.Message);
return 2;

// MODEL BOARD dense|sparse, e.g. --dump resnet18 u250 sparse.
static Option<string[]> DesignOption(string name, string description) => new(name)
{
    HelpName = "MODEL BOARD dense|sparse", Description = description, Arity = new ArgumentArity(3, 3), AllowMultipleArgumentsPerToken = true,
    Validators =
    {
        r =>
        {
            if (r.Tokens.Count == 3 && r.Tokens[2].Value is not ("dense" or "sparse"))
                r.AddError($"{name}: the third value must be dense or sparse (got '{r.Tokens[2].Value}')");
        },
    },
};
