using System.CommandLine;
using System.Globalization;
using Hass.Bench;
using Hass.Bench.Campaigns;

// The real-pipeline benchmark: every pipeline on every model × board × seed, one `hass run` process
// and one store per run, one table. See docs/search.md "Benchmark" and bench/results/search.md.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

static Option<string[]> List(string name, string description, params string[] fallback) => new(name)
{
    Description = description, AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => fallback,
};

var models = List("--models", "models to run", "fmnist-vgg", "fmnist-resnet", "fmnist-mobilenet");
var boards = List("--boards", "boards to run", "zedboard", "zc706");
var seeds = new Option<int[]>("--seeds") { Description = "seeds", AllowMultipleArgumentsPerToken = true, DefaultValueFactory = _ => [0, 1, 2] };
var trials = new Option<int>("--trials") { Description = "trial budget per run (the hass pipeline's uniform baseline included)", DefaultValueFactory = _ => 150 };
var pipelines = List("--pipelines", "hass (the default campaign), hass-<strategy>, oracle (the default campaign searching on the test set: the oracle ceiling), uniform, or a strategy name run alone", "hass", "uniform");
var campaign = new Option<string>("--campaign") { Description = "the default campaign file", DefaultValueFactory = _ => "examples/fmnist-hass.json" };
var hass = new Option<string>("--hass") { Description = "the hass executable", DefaultValueFactory = _ => "src/Hass.Cli/bin/Release/net10.0/hass" };
var work = new Option<string>("--work") { Description = "folder for the runs' stores, campaign files and logs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "hass-bench-campaigns") };
var results = new Option<string?>("--results") { Description = "markdown file the table is appended to (with date, command and load)" };
var parallel = new Option<int>("--parallel") { Description = "runs at once (one torch thread each)", DefaultValueFactory = _ => 1 };
var noRun = new Option<bool>("--no-run") { Description = "run nothing: render the table from the stores already in --work (e.g. after an interrupted invocation)" };

var root = new RootCommand("Runs the default HASS pipeline and the baselines on the real pipeline and prints one table")
{
    models, boards, seeds, trials, pipelines, campaign, hass, work, results, parallel, noRun,
};
root.SetAction(async (parse, ct) =>
{
    var options = new BenchOptions
    {
        Models = parse.GetValue(models)!, Boards = parse.GetValue(boards)!, Seeds = parse.GetValue(seeds)!, Trials = parse.GetValue(trials),
        Pipelines = parse.GetValue(pipelines)!, Campaign = parse.GetValue(campaign)!, Hass = parse.GetValue(hass)!, Work = parse.GetValue(work)!,
        Results = parse.GetValue(results), Parallel = Math.Max(1, parse.GetValue(parallel)), NoRun = parse.GetValue(noRun),
    };
    foreach (var (path, what) in new[] { (options.Campaign, "--campaign"), (options.Hass, "--hass") })
        if (!File.Exists(path)) { Console.Error.WriteLine($"error: {what} {path} does not exist; build src/Hass.Cli -c Release or give the path"); return 2; }
    var table = await BenchRunner.RunAllAsync(options, Console.Out, ct);
    Console.WriteLine(table);
    if (options.Results is { } file) await File.AppendAllTextAsync(file, ResultsHeading.Of("Hass.Bench.Campaigns", Environment.GetCommandLineArgs().Skip(1)) + table, ct);
    return 0;
});
return await root.Parse(args).InvokeAsync();
