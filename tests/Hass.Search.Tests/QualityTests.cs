using Hass.Abstractions;
using Hass.Search.Strategies;

namespace Hass.Search.Tests;

/// <summary>Fixed-seed quality checks on the synthetic HASS-like problem (deterministic, no timing).</summary>
public class QualityTests
{
    private static readonly HassLikeProblem TenDims = new(layers: 5); // 5 weight + 5 activation thresholds

    private static double Best(string strategy, int seed, int budget = 60, string settings = "{}")
    {
        var s = Driver.Create(strategy, TenDims.Space, seed, budget, settings);
        s.Enqueue(TenDims.Space.Defaults(), "warm:unpruned");
        return Driver.BestFeasible(Driver.Run(s, TenDims.Outcome, budget));
    }

    [Fact]
    public void Tpe_beats_random_on_a_10_dimensional_constrained_problem_over_five_seeds()
    {
        var seeds = Enumerable.Range(0, 5).ToArray();
        var tpe = seeds.Select(seed => Best("tpe", seed)).ToArray();
        var randomMean = seeds.Select(seed => Best("random", seed)).Average();
        Assert.True(tpe.Average() > 1.5 * randomMean, $"tpe mean {tpe.Average():F3} vs random mean {randomMean:F3}");
        Assert.All(tpe, best => Assert.True(best > randomMean, $"tpe best {best:F3} ≤ random mean {randomMean:F3}"));
    }

    [Fact]
    public void Tpe_constraint_ranking_keeps_suggestions_feasible_more_often_than_ignoring_the_constraint()
    {
        // Without the constraint, the highest values come from heavily pruned, infeasible points.
        double FeasibleShare(string settings) => Enumerable.Range(0, 3).Average(seed =>
        {
            var s = Driver.Create("tpe", TenDims.Space, seed, 80, settings);
            var steps = Driver.Run(s, TenDims.Outcome, 80).Where(x => x.Suggestion.Origin == "tpe").ToList();
            return steps.Count(x => x.Outcome.ConstraintViolation <= 0) / (double)steps.Count;
        });
        var constrained = FeasibleShare("{}");
        var unconstrained = FeasibleShare("""{"constraints": false}""");
        Assert.True(constrained > unconstrained + 0.2, $"feasible share {constrained:F2} with constraints vs {unconstrained:F2} without");
    }

    [Fact]
    public void Tpe_ranks_pruned_trials_and_in_flight_trials_spread_out()
    {
        var s = Driver.Create("tpe", TenDims.Space, 0, 80, """{"nStartupTrials": 10}""");
        // Half of the trials are stopped early (pruned) with a partial value: the search still proceeds.
        var steps = Driver.Run(s, (n, p) => n % 2 == 0
            ? TenDims.Outcome(n, p) with { State = TrialState.Pruned, Metrics = new Dictionary<string, double> { ["step"] = n % 3 } }
            : TenDims.Outcome(n, p), 40);
        Assert.Contains(steps, x => x.Suggestion.Origin == "tpe");
        var inFlight = Enumerable.Range(0, 4).Select(_ => s.Ask()).ToList();
        Assert.Equal(4, inFlight.Select(x => x.Parameters).Distinct().Count());
    }

    [Fact]
    public void Multivariate_tpe_also_beats_random()
    {
        var seeds = Enumerable.Range(0, 5).ToArray();
        var tpe = seeds.Select(seed => Best("tpe", seed, settings: """{"multivariate": true}""")).Average();
        var random = seeds.Select(seed => Best("random", seed)).Average();
        Assert.True(tpe > 1.5 * random, $"multivariate tpe {tpe:F3} vs random {random:F3}");
    }

    [Fact]
    public void Anneal_beats_random()
    {
        var seeds = Enumerable.Range(0, 5).ToArray();
        var anneal = seeds.Select(seed => Best("anneal", seed)).Average();
        var random = seeds.Select(seed => Best("random", seed)).Average();
        Assert.True(anneal > 1.5 * random, $"anneal {anneal:F3} vs random {random:F3}");
    }

    [Fact]
    public void Uniform_picks_the_sparsest_feasible_global_thresholds_and_ignores_hardware()
    {
        var strategy = Driver.Create("uniform", TenDims.Space, 0, 31);
        var steps = Driver.Run(strategy, TenDims.Outcome, 100);
        Assert.False(strategy.CanAsk);
        var choice = steps[^1];
        Assert.Equal(UniformStrategy.ChoiceOrigin, choice.Suggestion.Origin);
        Assert.True(choice.Outcome.ConstraintViolation <= 0);
        // One global weight threshold and one global activation threshold.
        var p = choice.Suggestion.Parameters;
        Assert.Single(p.Values.Where(kv => kv.Key.StartsWith("w:")).Select(kv => kv.Value).Distinct());
        Assert.Single(p.Values.Where(kv => kv.Key.StartsWith("a:")).Select(kv => kv.Value).Distinct());
        // The choice is the feasible probe with the largest sparsity, whatever its throughput.
        var feasible = steps.Take(steps.Count - 1).Where(s => s.Outcome.ConstraintViolation <= 0).ToList();
        Assert.Equal(feasible.Max(s => s.Outcome.Metrics!["effectiveSparsity"]), choice.Outcome.Metrics!["effectiveSparsity"], 12);
        // Bisection lands close to the boundary: one more step along the chosen ray breaks the tolerance.
        Assert.True(choice.Outcome.Metrics["accuracyDrop"] > 0.5 * TenDims.Tolerance);

        // Blind to hardware: scrambling the objective values does not change a single suggestion.
        var blind = Driver.Create("uniform", TenDims.Space, 0, 31);
        var scrambled = Driver.Run(blind, (n, q) => TenDims.Outcome(n, q) with { Values = [1000 - n] }, 100);
        Assert.Equal(steps.Select(s => s.Suggestion.Parameters), scrambled.Select(s => s.Suggestion.Parameters));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(20)]
    [InlineData(200)]
    public void Uniform_fits_its_probes_and_choice_into_the_budget(int budget)
    {
        var strategy = Driver.Create("uniform", TenDims.Space, 0, budget);
        var steps = Driver.Run(strategy, TenDims.Outcome, budget);
        Assert.False(strategy.CanAsk);
        Assert.True(steps.Count <= budget);
        Assert.Equal(UniformStrategy.ChoiceOrigin, steps[^1].Suggestion.Origin);
    }

    [Fact]
    public void Uniform_uses_a_configured_tolerance_on_the_reported_accuracy_drop()
    {
        var strict = Driver.Create("uniform", TenDims.Space, 0, 31, """{"tolerance": 0.2}""");
        var choice = Driver.Run(strict, TenDims.Outcome, 100)[^1];
        Assert.True(choice.Outcome.Metrics!["accuracyDrop"] <= 0.2);
    }

    [Theory]
    [InlineData("global")]
    [InlineData("perLayer")]
    public void Greedy_moves_only_through_feasible_improving_states_and_stops_by_itself(string mode)
    {
        var problem = new HassLikeProblem(layers: 3);
        var strategy = (GreedyStrategy)SearchPlugin.Factory("greedy").Create();
        strategy.Initialize(Driver.Context(problem.Space, 0, 2000, $$"""{"mode": "{{mode}}", "weightStep": 0.05, "activationStep": 0.05}"""));
        var steps = Driver.Run(strategy, problem.Outcome, 2000);
        Assert.False(strategy.CanAsk); // finished before the budget
        Assert.True(steps.Count < 2000);
        Assert.True(strategy.StepsTaken > 3);
        var state = strategy.CurrentState!;
        var final = problem.Outcome(-1, state);
        Assert.True(final.ConstraintViolation <= 0, "greedy must end in its last feasible state");
        var baseline = problem.Outcome(-1, problem.Space.Defaults());
        Assert.True(final.Values[0] > baseline.Values[0]);
        // Each batch is a step from the accepted state: weight and activation moves (global) or one per dimension.
        var firstBatch = steps.Where(s => s.Suggestion.Origin.StartsWith("greedy:step1:")).ToList();
        Assert.Equal(mode == "global" ? 2 : problem.Space.Dimensions.Count, firstBatch.Count);
    }

    [Fact]
    public void Greedy_treats_a_gain_of_zero_or_less_as_infinite_cost_and_stops()
    {
        var problem = new HassLikeProblem(layers: 2);
        // Throughput never improves: every candidate has gain ≤ 0, so greedy stops after the first batch.
        var strategy = Driver.Create("greedy", problem.Space, 0, 100);
        var steps = Driver.Run(strategy, (n, p) => problem.Outcome(n, p) with { Values = [1.0] }, 100);
        Assert.Equal(3, steps.Count); // base + two candidates
        Assert.False(strategy.CanAsk);
    }

    [Fact]
    public void Nsga2_finds_a_better_pareto_front_than_random_on_two_objectives()
    {
        double Hypervolume(string name, int seed, string settings = "{}")
        {
            var s = Driver.Create(name, TenDims.Space, seed, 120, settings, objectives: 2);
            var steps = Driver.Run(s, TenDims.TwoObjectiveOutcome, 120);
            // Reference point: accuracy 80 (drop 10), the unpruned throughput.
            var thr0 = TenDims.Outcome(-1, TenDims.Space.Defaults()).Values[0];
            var points = steps.Select(x => (Acc: x.Outcome.Values[0] - 80, Thr: x.Outcome.Values[1] - thr0))
                              .Where(x => x.Acc > 0 && x.Thr > 0).OrderByDescending(x => x.Thr).ToList();
            double hv = 0, bestAcc = 0;
            for (var i = 0; i < points.Count; i++)
            {
                bestAcc = Math.Max(bestAcc, points[i].Acc);
                var nextThr = i + 1 < points.Count ? points[i + 1].Thr : 0;
                hv += bestAcc * (points[i].Thr - nextThr);
            }
            return hv;
        }
        var seeds = Enumerable.Range(0, 3).ToArray();
        var nsga2 = seeds.Select(seed => Hypervolume("nsga2", seed)).Average();
        var random = seeds.Select(seed => Hypervolume("random", seed)).Average();
        var tpe = seeds.Select(seed => Hypervolume("tpe", seed)).Average();
        Assert.True(nsga2 > random, $"nsga2 hypervolume {nsga2:F3} vs random {random:F3}");
        Assert.True(tpe > random, $"MOTPE-style tpe hypervolume {tpe:F3} vs random {random:F3}");
    }
}
