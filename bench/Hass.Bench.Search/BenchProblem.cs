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
    public static BenchProblem Synthetic(int layers)
    {
        var problem = new HassLikeProblem(layers);
        return new BenchProblem($"synthetic-{layers}L", problem.Space, problem.Outcome);
    }

    /// <summary>Problems by name: synthetic-&lt;layers&gt;L.</summary>
    public static BenchProblem Named(string name)
    {
        if (name.StartsWith("synthetic-") && name.EndsWith('L') && int.TryParse(name["synthetic-".Length..^1], out var layers) && layers > 0)
            return Synthetic(layers);
        throw new ArgumentException($"unknown bench problem '{name}'; use synthetic-<layers>L, e.g. synthetic-5L");
    }
}
