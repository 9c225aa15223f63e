using Hass.Abstractions;
using Hass.Search.Tests;

namespace Hass.Bench.Search;

/// <summary>
/// One problem the harness searches: a space and the outcome of a trial (what the engine's runner would tell).
/// The synthetic problems are built in; to benchmark the full pipeline, add a problem whose Evaluate runs a
/// real trial (prune, evaluate, profile, DSE) and returns its TrialOutcome, and list it in <see cref="All"/>.
/// </summary>
public sealed record BenchProblem(string Name, SearchSpace Space, Func<int, ParameterSet, TrialOutcome> Evaluate)
{
    public static BenchProblem Synthetic(int layers, bool balanced)
    {
        var problem = new HassLikeProblem(layers, balanced: balanced);
        return new BenchProblem($"synthetic-{layers}L{(balanced ? "-balanced" : "")}", problem.Space, problem.Outcome);
    }

    /// <summary>
    /// Problems by name: synthetic-&lt;layers&gt;L (throughput of the slowest layer at fixed parallelism) or
    /// synthetic-&lt;layers&gt;L-balanced (a DSE that re-balances parallelism: 1 / total remaining work).
    /// </summary>
    public static BenchProblem Named(string name)
    {
        var balanced = name.EndsWith("-balanced");
        var core = balanced ? name[..^"-balanced".Length] : name;
        if (core.StartsWith("synthetic-") && core.EndsWith('L') && int.TryParse(core["synthetic-".Length..^1], out var layers) && layers > 0)
            return Synthetic(layers, balanced);
        throw new ArgumentException($"unknown bench problem '{name}'; use synthetic-<layers>L or synthetic-<layers>L-balanced, e.g. synthetic-5L");
    }
}
