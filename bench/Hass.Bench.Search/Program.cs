using System.Diagnostics;
using System.Globalization;
using Hass.Abstractions;
using Hass.Bench.Search;
using Hass.Search.Tests;

// Compares the search strategies on the synthetic HASS-like problem (tests/Hass.Search.Tests/Synthetic.cs) and
// times TPE's Ask. Usage:
//   dotnet run -c Release --project bench/Hass.Bench.Search -- compare [--budget 60] [--seeds 5] [--problems synthetic-5L,synthetic-10L]
//       [--strategies tpe,uniform,greedy,random,anneal] [--tpe-settings '{"gamma":0.25}'] [--csv results.csv]
//   dotnet run -c Release --project bench/Hass.Bench.Search -- ask-time [--trials 300] [--dims 30] [--multivariate]
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var command = args.FirstOrDefault(a => !a.StartsWith("--")) ?? "compare";
string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, "--" + name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}
bool Flag(string name) => args.Contains("--" + name);

switch (command)
{
    case "compare": Compare(); break;
    case "ask-time": AskTime(); break;
    default:
        Console.Error.WriteLine($"unknown command '{command}'; use compare or ask-time");
        Environment.Exit(2);
        break;
}

void Compare()
{
    var budget = int.Parse(Option("budget", "60"));
    var seeds = int.Parse(Option("seeds", "5"));
    var problems = Option("problems", "synthetic-5L,synthetic-10L").Split(',').Select(BenchProblem.Named).ToArray();
    var names = Option("strategies", "tpe,uniform,greedy,random,anneal").Split(',');
    var csv = new List<string> { "problem,dims,strategy,seed,bestFeasible,trials" };
    Console.WriteLine($"maximise the first objective s.t. feasibility; budget {budget} trials, seeds 0..{seeds - 1}; every run starts with the unpruned point enqueued");
    Console.WriteLine($"{"problem",-22} {"dims",5} {"strategy",-15} {"best feasible (mean ± sd)",26} {"vs uniform",11} {"vs random",10} {"ms/ask",8}");
    foreach (var problem in problems)
    {
        var results = new Dictionary<string, (double Mean, double Sd, double MsPerAsk)>();
        foreach (var name in names)
        {
            var bests = new List<double>();
            var watch = new Stopwatch();
            var asks = 0;
            for (var seed = 0; seed < seeds; seed++)
            {
                // "<strategy>+uniform": the uniform baseline first, then the strategy warm-started from its choice
                // with the rest of the same budget (the HASS campaign's warm start, hass-method.md §E.3).
                var baseName = name.Split('+')[0];
                var steps = new List<Driver.Step>();
                var remaining = budget;
                ParameterSet? warm = null;
                if (name.EndsWith("+uniform"))
                {
                    var uniform = Driver.Create("uniform", problem.Space, seed, budget / 2);
                    var baseline = Driver.Run(uniform, problem.Evaluate, budget / 2);
                    steps.AddRange(baseline);
                    remaining -= baseline.Count;
                    warm = baseline[^1].Suggestion.Parameters;
                }
                var strategy = Driver.Create(baseName, problem.Space, seed, remaining, baseName == "tpe" ? Option("tpe-settings", "{}") : "{}");
                strategy.Enqueue(problem.Space.Defaults(), "warm:unpruned");
                if (warm is not null) strategy.Enqueue(warm, "warm:uniform");
                for (var i = 0; i < remaining && strategy.CanAsk; i++)
                {
                    watch.Start();
                    var s = strategy.Ask();
                    watch.Stop();
                    asks++;
                    var o = problem.Evaluate(s.Number, s.Parameters);
                    strategy.Tell(o);
                    steps.Add(new Driver.Step(s, o));
                }
                bests.Add(Driver.BestFeasible(steps));
                csv.Add(string.Join(",", problem.Name, problem.Space.Dimensions.Count, name, seed, bests[^1].ToString("R"), steps.Count));
            }
            var mean = bests.Average();
            var sd = Math.Sqrt(bests.Sum(b => (b - mean) * (b - mean)) / Math.Max(1, bests.Count - 1));
            results[name] = (mean, sd, watch.Elapsed.TotalMilliseconds / Math.Max(1, asks));
        }
        foreach (var name in names)
        {
            var r = results[name];
            var vsUniform = results.TryGetValue("uniform", out var u) ? $"{r.Mean / u.Mean:F2}x" : "-";
            var vsRandom = results.TryGetValue("random", out var rr) ? $"{r.Mean / rr.Mean:F2}x" : "-";
            Console.WriteLine($"{problem.Name,-22} {problem.Space.Dimensions.Count,5} {name,-15} {$"{r.Mean:F3} ± {r.Sd:F3}",26} {vsUniform,11} {vsRandom,10} {r.MsPerAsk,8:F2}");
        }
    }
    if (Option("csv", "") is { Length: > 0 } path)
    {
        File.WriteAllLines(path, csv);
        Console.WriteLine($"per-run results written to {path}");
    }
}

void AskTime()
{
    var trials = int.Parse(Option("trials", "300"));
    var dims = int.Parse(Option("dims", "30"));
    var problem = new HassLikeProblem(dims / 2);
    var settings = Flag("multivariate") ? """{"multivariate": true}""" : "{}";
    var strategy = Driver.Create("tpe", problem.Space, 0, trials, settings);
    var times = new List<double>();
    var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
    for (var i = 0; i < trials; i++)
    {
        var watch = Stopwatch.StartNew();
        var s = strategy.Ask();
        watch.Stop();
        times.Add(watch.Elapsed.TotalMilliseconds);
        strategy.Tell(problem.Outcome(s.Number, s.Parameters));
    }
    var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
    var last = times.Skip(trials - Math.Min(50, trials / 5)).ToList();
    Console.WriteLine($"tpe{(Flag("multivariate") ? " (multivariate)" : "")}: {problem.Space.Dimensions.Count} dims, {trials} trials: " +
                      $"median ask {Median(times):F2} ms, median of the last {last.Count} asks {Median(last):F2} ms, max {times.Max():F2} ms, total {times.Sum():F0} ms wall; " +
                      $"process CPU time {cpu:F0} ms for the whole run ({cpu / trials:F2} ms per trial incl. the objective; wall times suffer on a loaded machine)");
}

static double Median(IReadOnlyList<double> xs)
{
    var s = xs.Order().ToList();
    return s.Count % 2 == 1 ? s[s.Count / 2] : 0.5 * (s[s.Count / 2 - 1] + s[s.Count / 2]);
}
