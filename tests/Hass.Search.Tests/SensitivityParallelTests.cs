using Hass.Abstractions;
using Hass.Search.Sensitivity;

namespace Hass.Search.Tests;

/// <summary>The sensitivity strategy with several trials in flight: which asks find a proposal, and what the ray probes.</summary>
public class SensitivityParallelTests
{
    private static readonly HassLikeProblem TenDims = new(layers: 5); // 5 weight + 5 activation thresholds (fractions = values)
    private const string Settings = """{"sweepDepth": 2, "rayDepth": 5}""";
    private static int SweepTotal => 2 * TenDims.Space.Dimensions.Count;

    private static bool IsRay(TrialSuggestion s) => s.Origin is CeilingRay.CeilingOrigin or CeilingRay.RayOrigin;

    /// <summary>
    /// Keeps two trials in flight, telling the older (or the newer) first, and returns every suggestion plus the
    /// origins of the trials that were in flight whenever a freed slot found nothing to ask.
    /// </summary>
    private static (List<TrialSuggestion> Asked, List<string> IdleWhile) RunTwoSlots(int seed, bool newestFirst, int budget = 60)
    {
        var strategy = Driver.Create("sensitivity", TenDims.Space, seed, budget, Settings);
        var asked = new List<TrialSuggestion>();
        var inFlight = new List<TrialSuggestion>();
        var idleWhile = new List<string>();
        while (true)
        {
            while (asked.Count < budget && inFlight.Count < 2 && strategy.CanAsk) inFlight.Add(Remember(strategy.Ask()));
            if (inFlight.Count == 0) break;
            if (asked.Count < budget && inFlight.Count < 2) idleWhile.AddRange(inFlight.Select(s => s.Origin));
            var next = newestFirst ? inFlight[^1] : inFlight[0];
            inFlight.Remove(next);
            strategy.Tell(TenDims.Outcome(next.Number, next.Parameters));
        }
        return (asked, idleWhile);

        TrialSuggestion Remember(TrialSuggestion s) { asked.Add(s); return s; }
    }

    [Fact]
    public void With_two_trials_in_flight_a_freed_slot_always_finds_an_ask_except_while_the_last_sweep_probe_runs()
    {
        foreach (var seed in new[] { 0, 1, 2 })
            foreach (var newestFirst in new[] { false, true })
            {
                var (asked, idleWhile) = RunTwoSlots(seed, newestFirst);
                Assert.Equal(60, asked.Count);
                // The ray needs every layer's limit, so a slot may idle only while the sweep's last probes run: once when
                // answers come oldest first; newest first holds one layer's first probe to the end, then its last probe runs alone.
                Assert.True(idleWhile.Count <= (newestFirst ? 2 : 1), $"seed {seed}: a slot idled {idleWhile.Count} times, while {string.Join(", ", idleWhile)} ran");
                Assert.All(idleWhile, origin => Assert.Equal(SensitivitySweep.ProbeOrigin, origin));
                Assert.Equal(5, asked.Count(IsRay));
                Assert.Equal(SweepTotal, asked.Count(s => s.Origin == SensitivitySweep.ProbeOrigin));
            }
    }

    [Fact]
    public void With_two_slots_the_ray_asks_the_ceiling_and_the_middle_at_once_and_tpe_fills_the_slot_its_last_probe_leaves()
    {
        var (asked, _) = RunTwoSlots(seed: 0, newestFirst: false);
        var ray = asked.Where(IsRay).ToList();
        Assert.Equal(CeilingRay.CeilingOrigin, ray[0].Origin);
        Assert.Equal(0.5, ScaleOf(ray[1], ray[0]), 12);
        Assert.Equal(ray[0].Number + 1, ray[1].Number);
        var lastRay = ray[^1].Number;
        Assert.StartsWith("sensitivity:tpe", asked.Single(s => s.Number == lastRay + 1).Origin);
    }

    [Fact]
    public void One_trial_at_a_time_the_ray_is_a_bisection_from_the_ceiling_down()
    {
        foreach (var seed in new[] { 0, 1, 2 })
        {
            var steps = Driver.Run(Driver.Create("sensitivity", TenDims.Space, seed, 60, Settings), TenDims.Outcome, 60);
            var ray = steps.Where(s => IsRay(s.Suggestion)).ToList();
            Assert.Equal(5, ray.Count);
            Assert.Equal(Enumerable.Range(ray[0].Suggestion.Number, 5), ray.Select(s => s.Suggestion.Number));
            double low = 0, high = 1;
            foreach (var (step, i) in ray.Select((s, i) => (s, i)))
            {
                var expected = i == 0 ? 1 : 0.5 * (low + high);
                var scale = ScaleOf(step.Suggestion, ray[0].Suggestion);
                Assert.Equal(expected, scale, 12);
                if (step.Outcome.ConstraintViolation <= 0) low = Math.Max(low, scale);
                else high = Math.Min(high, scale);
            }
            Assert.All(steps.Skip(ray[^1].Suggestion.Number + 1), s => Assert.True(
                s.Suggestion.Origin.StartsWith("sensitivity:tpe", StringComparison.Ordinal) || s.Suggestion.Origin == BottleneckSearch.Origin, s.Suggestion.Origin));
        }
    }

    [Fact]
    public void A_resumed_instance_rebuilds_the_ray_from_the_told_points_when_trials_finished_out_of_order()
    {
        // Newest-first answers at two slots: the original asked ray probes at scales a replay (one ask at a time) would not.
        var original = Driver.Create("sensitivity", TenDims.Space, 4, 60, Settings);
        var stored = Driver.Run(original, TenDims.Outcome, SweepTotal + 5, parallel: 2, reverseTells: true);
        var resumed = Driver.Create("sensitivity", TenDims.Space, 4, 60, Settings);
        foreach (var s in stored.OrderBy(s => s.Outcome.Number)) resumed.Tell(s.Outcome);
        var next = Driver.Run(resumed, TenDims.Outcome, 1);
        Assert.StartsWith("sensitivity:tpe", Assert.Single(next).Suggestion.Origin);
        var nextOriginal = Driver.Run(original, TenDims.Outcome, 1);
        Assert.Equal(nextOriginal.Single().Suggestion.Parameters, next.Single().Suggestion.Parameters);
    }

    /// <summary>A ray point's scale: its largest threshold value over the ceiling's value of the same dimension.</summary>
    private static double ScaleOf(TrialSuggestion point, TrialSuggestion ceiling)
    {
        var reference = ceiling.Parameters.Values.MaxBy(kv => kv.Value).Key;
        return point.Parameters[reference] / ceiling.Parameters[reference];
    }
}
