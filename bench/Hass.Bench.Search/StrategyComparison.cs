using System.Diagnostics;
using Hass.Abstractions;
using Hass.Search.Tests;

namespace Hass.Bench.Search;

/// <summary>`compare`: each strategy on each problem over several seeds; prints one table row per (problem, strategy).</summary>
internal sealed class StrategyComparison(int budget, int seeds, string tpeSettings)
{
    private readonly List<string> _csv = ["problem,dims,strategy,seed,bestFeasible,trials"];

    public void Run(IReadOnlyList<BenchProblem> problems, IReadOnlyList<string> names)
    {
        Console.WriteLine($"maximise the first objective s.t. feasibility; budget {budget} trials, seeds 0..{seeds - 1}; every run starts with the unpruned point enqueued");
        Console.WriteLine($"{"problem",-22} {"dims",5} {"strategy",-15} {"best feasible (mean ± sd)",26} {"vs uniform",11} {"vs random",10} {"ms/ask",8}");
        foreach (var problem in problems)
        {
            var results = names.ToDictionary(name => name, name => Summarise(problem, name));
            foreach (var name in names)
            {
                var r = results[name];
                var vsUniform = results.TryGetValue("uniform", out var u) ? $"{r.Mean / u.Mean:F2}x" : "-";
                var vsRandom = results.TryGetValue("random", out var rr) ? $"{r.Mean / rr.Mean:F2}x" : "-";
                Console.WriteLine($"{problem.Name,-22} {problem.Space.Dimensions.Count,5} {name,-15} {$"{r.Mean:F3} ± {r.Sd:F3}",26} {vsUniform,11} {vsRandom,10} {r.MsPerAsk,8:F2}");
            }
        }
    }

    public void WriteCsv(string path)
    {
        File.WriteAllLines(path, _csv);
        Console.WriteLine($"per-run results written to {path}");
    }

    private (double Mean, double Sd, double MsPerAsk) Summarise(BenchProblem problem, string name)
    {
        var bests = new List<double>();
        var watch = new Stopwatch();
        var asks = 0;
        for (var seed = 0; seed < seeds; seed++)
        {
            var steps = RunOnce(problem, name, seed, watch, ref asks);
            bests.Add(Driver.BestFeasible(steps));
            _csv.Add(string.Join(",", problem.Name, problem.Space.Dimensions.Count, name, seed, bests[^1].ToString("R"), steps.Count));
        }
        var mean = bests.Average();
        var sd = Math.Sqrt(bests.Sum(b => (b - mean) * (b - mean)) / Math.Max(1, bests.Count - 1));
        return (mean, sd, watch.Elapsed.TotalMilliseconds / Math.Max(1, asks));
    }

    /// <summary>One run; Ask is timed on <paramref name="watch"/> and counted in <paramref name="asks"/>.</summary>
    private List<Driver.Step> RunOnce(BenchProblem problem, string name, int seed, Stopwatch watch, ref int asks)
    {
        // "<strategy>+uniform": the uniform baseline first, then the strategy warm-started from its choice
        // with the rest of the same budget (the HASS campaign's warm start).
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
        var strategy = Driver.Create(baseName, problem.Space, seed, remaining, baseName == "tpe" ? tpeSettings : "{}");
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
        return steps;
    }
}
