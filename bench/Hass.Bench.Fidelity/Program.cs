using System.CommandLine;
using System.Globalization;
using Hass.Abstractions;
using Hass.Bench;
using Hass.Bench.Fidelity;

// Analytical vs emulated: per model × board a short campaign, its best distinct designs measured on a
// hass-board-emulator process over loopback TCP, one table. See docs/board-protocol.md and bench/results/fidelity.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

static Option<string[]> List(string name, string description, params string[] fallback) => new(name)
{
    Description = description, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => fallback,
};
static Option<int> Count(string name, string description, int fallback, int min) => new(name)
{
    Description = description, DefaultValueFactory = _ => fallback,
    Validators = { r => { if (r.GetValueOrDefault<int>() < min) r.AddError($"{name} must be at least {min}"); } },
};

var models = List("--models", "models to run", "fmnist-vgg", "fmnist-resnet", "fmnist-mobilenet");
var boards = List("--boards", "boards to run (boards/NAME.json)", "zedboard", "zc706");
var trials = Count("--trials", "trials of each campaign", 20, 1);
var designs = Count("--designs", "best distinct designs measured per campaign", 10, 1);
var images = new Option<int?>("--images")
{
    Description = "timed images per measurement (default: the design's batch size, the batch its prediction describes)",
    Validators = { r => { if (r.GetValueOrDefault<int?>() < 1) r.AddError("--images must be at least 1"); } },
};
var warmup = Count("--warmup", "warm-up images per measurement (default 0: each run starts from an empty pipeline, as the predicted batch)", 0, 0);
var rotations = Count("--rotations", "runs per measurement that start at different images (hass board measure --rotations; default 1: from image 0). With more, the table also gives τ of the runs from image 0 alone", 1, 1);
var sparseCycles = new Option<string>("--sparse-cycles") { Description = "the backend's sparse cycle figure", DefaultValueFactory = _ => DesignOptions.LaneMaxCycles };
sparseCycles.AcceptOnlyFromAmong(DesignOptions.LaneMaxCycles, DesignOptions.AverageCycles);
var resolution = new Option<double>("--tie-resolution") { Description = "relative difference up to which two measurements count as a tie (default 0: the emulator counts cycles exactly)", DefaultValueFactory = _ => 0 };
var campaign = new Option<string>("--campaign") { Description = "campaign template", DefaultValueFactory = _ => "bench/fidelity/campaign.json" };
var hass = new Option<string>("--hass") { Description = "the hass executable", DefaultValueFactory = _ => "src/Hass.Cli/bin/Release/net10.0/hass" };
var work = new Option<string>("--work") { Description = "folder for stores, campaign files and logs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "hass-bench-fidelity") };
var results = new Option<string?>("--results") { Description = "markdown file the table is appended to (with date, command and load)" };

var root = new RootCommand("Predicted vs emulated throughput, ranking and batch-1 latency of each campaign's best designs")
{
    models, boards, trials, designs, images, warmup, rotations, sparseCycles, resolution, campaign, hass, work, results,
};
root.SetAction(async (parse, ct) =>
{
    var options = new FidelityOptions
    {
        Models = parse.GetValue(models)!, Boards = parse.GetValue(boards)!, Trials = parse.GetValue(trials), Designs = parse.GetValue(designs),
        Images = parse.GetValue(images), Warmup = parse.GetValue(warmup), Rotations = parse.GetValue(rotations), SparseCycles = parse.GetValue(sparseCycles)!,
        TieResolution = parse.GetValue(resolution), Campaign = parse.GetValue(campaign)!, Hass = parse.GetValue(hass)!,
        Work = parse.GetValue(work)!, Results = parse.GetValue(results),
    };
    foreach (var (path, what) in new[] { (options.Campaign, "--campaign"), (options.Hass, "--hass") })
        if (!File.Exists(path)) { Console.Error.WriteLine($"error: {what} {path} does not exist; run from the repository root after building src/Hass.Cli -c Release, or give the path"); return 2; }
    var startLoad = MachineLoad.Averages();
    Console.WriteLine($"date {DateTime.UtcNow:yyyy-MM-ddTHH:mm}Z, load {startLoad}, sparseCycles {options.SparseCycles}, {options.Trials} trials, {options.Designs} designs");
    var runner = new CellRunner(options, Console.Out);
    var cells = new List<CellResult>();
    foreach (var board in options.Boards) cells.AddRange(await runner.RunBoardAsync(board, ct));
    var table = FidelityTable.Render(cells, options.TieResolution);
    Console.WriteLine(table);
    if (options.Results is { } file)
        await File.AppendAllTextAsync(file, ResultsHeading.Of("Hass.Bench.Fidelity", Environment.GetCommandLineArgs().Skip(1), startLoad) +
            "Predicted and measured figures are cycle counts (the emulator counts cycles), so the load changes the wall time only.\n\n" + table, ct);
    return cells.Any(c => c.Error is not null) ? 1 : 0;
});
return await root.Parse(args).InvokeAsync();
