using Hass.Abstractions;
using Hass.Search.Sensitivity;
using Hass.Search.Tpe;

namespace Hass.Search.Tests;

/// <summary>The sensitivity strategy's phases on the synthetic HASS-like problem (deterministic).</summary>
public class SensitivityTests
{
    private static readonly HassLikeProblem TenDims = new(layers: 5); // 5 weight + 5 activation thresholds

    private static List<Driver.Step> Run(int budget, string settings = "{}", int seed = 0) =>
        Driver.Run(Driver.Create("sensitivity", TenDims.Space, seed, budget, settings), TenDims.Outcome, budget);

    /// <summary>Trials the default sweep (depth 3) and ray (5 probes) ask on <see cref="TenDims"/>'s 10 dimensions.</summary>
    private const int SweepAndRay = 3 * 10 + 5;

    /// <summary>The tpe trials whose accuracy drop is within <paramref name="limit"/>.</summary>
    private static int TpeWithin(IEnumerable<Driver.Step> steps, double limit) =>
        steps.Count(s => s.Suggestion.Origin.StartsWith("sensitivity:tpe", StringComparison.Ordinal) && s.Outcome.Metrics!["accuracyDrop"] <= limit);

    [Fact]
    public void The_sweep_prunes_one_threshold_dimension_at_a_time_and_probes_each_dimension_depth_times()
    {
        var sweep = Run(80, """{"sweepDepth": 3}""").Where(s => s.Suggestion.Origin == SensitivitySweep.ProbeOrigin).ToList();
        Assert.Equal(3 * TenDims.Space.Dimensions.Count, sweep.Count);
        var pruned = sweep.Select(s => Assert.Single(TenDims.Space.Dimensions, d => s.Suggestion.Parameters[d.Name] > d.Low).Name).ToList();
        Assert.All(pruned.GroupBy(n => n), g => Assert.Equal(3, g.Count()));
    }

    [Fact]
    public void With_two_slots_the_sweep_keeps_both_busy_and_finds_the_limits_of_a_one_slot_run()
    {
        const string settings = """{"sweepDepth": 3, "rayDepth": 1}""";
        var sweepTotal = 3 * TenDims.Space.Dimensions.Count;
        var strategy = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
        strategy.Initialize(Driver.Context(TenDims.Space, 0, 80, settings));
        var inFlight = new List<TrialSuggestion> { strategy.Ask(), strategy.Ask() };
        for (var told = 1; told <= sweepTotal - 2; told++)
        {
            var oldest = inFlight[0];
            inFlight.RemoveAt(0);
            strategy.Tell(TenDims.Outcome(oldest.Number, oldest.Parameters));
            Assert.True(strategy.CanAsk, $"a slot idles after {told} sweep answers");
            inFlight.Add(strategy.Ask());
            Assert.Equal(SensitivitySweep.ProbeOrigin, inFlight[^1].Origin);
        }
        Assert.False(strategy.CanAsk, "the ray waits for the last sweep answers");
        foreach (var pending in inFlight) strategy.Tell(TenDims.Outcome(pending.Number, pending.Parameters));
        var ceiling = strategy.Ask();
        Assert.Equal(CeilingRay.CeilingOrigin, ceiling.Origin);
        strategy.Tell(TenDims.Outcome(ceiling.Number, ceiling.Parameters));
        Assert.True(strategy.CanAsk, "a one-probe ray hands over to tpe");
        var sequential = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
        sequential.Initialize(Driver.Context(TenDims.Space, 0, 80, settings));
        Driver.Run(sequential, TenDims.Outcome, sweepTotal + 2);
        Assert.Equal(Assert.IsType<SearchSpace>(sequential.NarrowedSpace).Dimensions, Assert.IsType<SearchSpace>(strategy.NarrowedSpace).Dimensions);
    }

    [Fact]
    public void After_the_sweep_the_ceiling_comes_first_then_the_ray_then_tpe_and_local_moves_inside_the_narrowed_space()
    {
        var strategy = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
        strategy.Initialize(Driver.Context(TenDims.Space, 0, 80, """{"sweepDepth": 2, "rayDepth": 4}"""));
        var steps = Driver.Run(strategy, TenDims.Outcome, 80);
        var origins = steps.Select(s => s.Suggestion.Origin).ToList();
        var sweepCount = 2 * TenDims.Space.Dimensions.Count;
        Assert.Equal(CeilingRay.CeilingOrigin, origins[sweepCount]);
        Assert.All(origins.Skip(sweepCount + 1).Take(3), o => Assert.Equal(CeilingRay.RayOrigin, o));
        Assert.All(origins.Skip(sweepCount + 4), o => Assert.True(o.StartsWith("sensitivity:tpe", StringComparison.Ordinal) || o == BottleneckSearch.Origin, o));
        Assert.Contains(origins.Skip(sweepCount + 4), o => o.StartsWith("sensitivity:tpe", StringComparison.Ordinal));
        var narrowed = Assert.IsType<SearchSpace>(strategy.NarrowedSpace);
        Assert.Contains(narrowed.Dimensions, d => d.High < TenDims.Space.Dimensions.Single(x => x.Name == d.Name).High);
        Assert.All(steps.Skip(sweepCount + 4), s => Assert.True(narrowed.Contains(s.Suggestion.Parameters)));
    }

    [Fact]
    public void It_finds_a_feasible_design_better_than_the_unpruned_one_on_every_seed()
    {
        var unpruned = TenDims.Outcome(0, TenDims.Space.Defaults()).Values[0];
        foreach (var seed in new[] { 0, 1, 2 })
            Assert.True(Driver.BestFeasible(Run(80, seed: seed)) > 1.2 * unpruned, $"seed {seed}");
    }

    /// <summary>The best design whose accuracy drop is within <paramref name="tolerance"/> (what a margin pick may choose).</summary>
    private static double BestWithin(IEnumerable<Driver.Step> steps, double tolerance) =>
        steps.Where(s => s.Outcome.State == TrialState.Complete && s.Outcome.Metrics!["accuracyDrop"] <= tolerance)
             .Select(s => s.Outcome.Values[0]).DefaultIfEmpty(0).Max();

    [Fact]
    public void A_tolerance_below_the_engines_makes_its_phases_target_designs_within_it()
    {
        const double pick = 0.3; // the engine's tolerance is 1; a final pick with a 0.7 margin keeps drops ≤ 0.3
        const string lowered = """{"tolerance": 0.3}""";
        Assert.True(TpeWithin(Run(80, lowered), pick) > TpeWithin(Run(80), pick), "more tpe trials land within the lowered tolerance");
        double[] targeted = [.. new[] { 0, 1, 2 }.Select(seed => BestWithin(Run(80, lowered, seed), pick))];
        double[] untargeted = [.. new[] { 0, 1, 2 }.Select(seed => BestWithin(Run(80, seed: seed), pick))];
        Assert.True(targeted.Average() > untargeted.Average(), $"within {pick}: {string.Join(", ", targeted)} against {string.Join(", ", untargeted)}");
    }

    [Fact]
    public void A_search_margin_makes_the_sweep_and_the_ray_find_the_limits_of_a_tolerance_that_much_lower()
    {
        var lowered = new HassLikeProblem(layers: 5, tolerance: 0.7); // the same layers; only the engine's violation moves
        SearchSpace Narrowed(HassLikeProblem problem, string settings)
        {
            var strategy = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
            strategy.Initialize(Driver.Context(problem.Space, 0, 80, settings));
            Driver.Run(strategy, problem.Outcome, 80);
            return strategy.NarrowedSpace!;
        }
        var withMargin = Narrowed(TenDims, """{"searchMargin": 0.3}""");
        Assert.Equal(Narrowed(lowered, "{}").Dimensions, withMargin.Dimensions);
        Assert.NotEqual(Narrowed(TenDims, "{}").Dimensions, withMargin.Dimensions);
        // The sweep and the ray ask the same points (after them the local search keeps its own target, from the engine's violation).
        Assert.Equal(Driver.Points(Run(80, """{"searchMargin": 0.3}""").Take(SweepAndRay)),
                     Driver.Points(Driver.Run(Driver.Create("sensitivity", lowered.Space, 0, 80), lowered.Outcome, 80).Take(SweepAndRay)));
    }

    [Fact]
    public void A_search_margin_for_tpe_alone_keeps_the_sweep_and_the_ray_of_the_tolerance_and_moves_tpe_towards_the_margin()
    {
        const string tpeOnly = """{"searchMargin": 0.3, "searchMarginScope": "tpe"}""";
        var plain = Run(80);
        var margined = Run(80, tpeOnly);
        Assert.Equal(Driver.Points(plain.Take(SweepAndRay)), Driver.Points(margined.Take(SweepAndRay)));
        Assert.NotEqual(Driver.Points(plain.Skip(SweepAndRay)), Driver.Points(margined.Skip(SweepAndRay)));
        int[] within = [.. new[] { 0, 1, 2 }.Select(seed => TpeWithin(Run(80, tpeOnly, seed), 0.7))];
        int[] without = [.. new[] { 0, 1, 2 }.Select(seed => TpeWithin(Run(80, seed: seed), 0.7))];
        Assert.True(within.Sum() > without.Sum(), $"tpe trials within 0.7: {string.Join(", ", within)} against {string.Join(", ", without)}");
    }

    [Fact]
    public void Optuna31_density_leaves_out_the_log_sigma_term()
    {
        var codec = new Core.SpaceCodec(new SearchSpace([new SearchDimension { Name = "w:x", Low = 0, High = 1 }]), "tpe");
        // Two close observations: their kernels are narrow (σ < 1), so −log σ > 0 raises the default density.
        double LogPdf2(bool omit) => new ParzenEstimator(codec, [[0.5], [0.52]], [1.0, 1.0], new ParzenOptions { ConsiderPrior = false, OmitLogSigma = omit })
            .LogPdfDimension(0, 0.5);
        Assert.True(LogPdf2(false) > LogPdf2(true), "the −log σ term raises narrow kernels' density; optuna31 leaves it out");
    }
}
