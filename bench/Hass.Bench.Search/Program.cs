using System.CommandLine;
using System.Globalization;
using Hass.Bench.Search;

// Compares the search strategies on the synthetic HASS-like problem (tests/Hass.Search.Tests/Synthetic.cs) and
// times TPE's Ask. Usage:
//   dotnet run -c Release --project bench/Hass.Bench.Search -- compare [--budget 60] [--seeds 5] [--problems synthetic-5L,synthetic-10L]
//       [--strategies tpe,uniform,greedy,random,anneal] [--tpe-settings '{"gamma":0.25}'] [--csv results.csv]
//   dotnet run -c Release --project bench/Hass.Bench.Search -- ask-time [--trials 300] [--dims 30] [--multivariate]
// Without a command it runs compare.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var budget = new Option<int>("--budget") { Description = "trials per run", DefaultValueFactory = _ => 60 };
var seeds = new Option<int>("--seeds") { Description = "runs per strategy (seeds 0..N-1)", DefaultValueFactory = _ => 5 };
var problems = new Option<string>("--problems") { Description = "comma-separated: synthetic-<layers>L[-balanced]", DefaultValueFactory = _ => "synthetic-5L,synthetic-10L" };
var strategies = new Option<string>("--strategies")
{
    Description = "comma-separated strategy names; <name>+uniform = the uniform baseline first, then <name> warm-started",
    DefaultValueFactory = _ => "tpe,uniform,greedy,random,anneal",
};
var tpeSettings = new Option<string>("--tpe-settings") { Description = "TPE settings JSON", DefaultValueFactory = _ => "{}" };
var csv = new Option<string?>("--csv") { Description = "write the per-run results to this CSV file" };
Option[] compareOptions = [budget, seeds, problems, strategies, tpeSettings, csv];

int Compare(ParseResult parse)
{
    var comparison = new StrategyComparison(parse.GetValue(budget), parse.GetValue(seeds), parse.GetValue(tpeSettings)!);
    comparison.Run(parse.GetValue(problems)!.Split(',').Select(BenchProblem.Named).ToArray(), parse.GetValue(strategies)!.Split(','));
    if (parse.GetValue(csv) is { Length: > 0 } path) comparison.WriteCsv(path);
    return 0;
}

var compare = new Command("compare", "best feasible objective of each strategy on the synthetic problems, and the time per ask");
foreach (var option in compareOptions) compare.Options.Add(option);
compare.SetAction(Compare);

var trials = new Option<int>("--trials") { Description = "asks timed", DefaultValueFactory = _ => 300 };
var dims = new Option<int>("--dims") { Description = "dimensions of the search space", DefaultValueFactory = _ => 30 };
var multivariate = new Option<bool>("--multivariate") { Description = "multivariate TPE" };
trials.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 1) r.AddError("--trials: must be at least 1"); });
dims.Validators.Add(r => { if (r.GetValueOrDefault<int>() < 2) r.AddError("--dims: must be at least 2 (one weight and one activation threshold per layer)"); });
var askTime = new Command("ask-time", "time of TPE's Ask as the history grows") { trials, dims, multivariate };
askTime.SetAction(parse => AskTimer.Run(parse.GetValue(trials), parse.GetValue(dims), parse.GetValue(multivariate)));

var root = new RootCommand("Search strategies on synthetic problems (docs/search.md); without a command: compare") { compare, askTime };
foreach (var option in compareOptions) root.Options.Add(option);
root.SetAction(Compare);

var result = root.Parse(args);
if (result.Errors.Count == 0) return result.Invoke();
foreach (var error in result.Errors) Console.Error.WriteLine("error: " + error.Message);
return 2;
