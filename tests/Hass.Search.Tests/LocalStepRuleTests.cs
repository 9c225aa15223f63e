using Hass.Abstractions;
using Hass.Search.Sensitivity;

namespace Hass.Search.Tests;

/// <summary>
/// How the local search's step responds to moves that did not beat the incumbent (<c>localStepRule</c>), on the synthetic
/// HASS-like problem made into a throughput plateau or an accuracy wall after the sweep and the ray (deterministic).
/// </summary>
public class LocalStepRuleTests
{
    private static readonly HassLikeProblem TenDims = new(layers: 5);
    private const int Budget = 80;
    private const int SweepAndRay = 3 * 10 + 5; // depth 3 at budget 80 over 10 threshold dimensions, then 5 along the ray
    private const double InitialStep = 0.15;

    /// <summary>After the ray no trial is faster than the fastest design found before it, and every one stays within the local target.</summary>
    private static Func<int, ParameterSet, TrialOutcome> Plateau()
    {
        var cap = 0.0;
        return (number, p) =>
        {
            var o = TenDims.Outcome(number, p);
            if (number <= SweepAndRay)
            {
                if (o.Metrics!["accuracyDrop"] <= 0.5) cap = Math.Max(cap, o.Values[0]);
                return o;
            }
            var metrics = new Dictionary<string, double>(o.Metrics!) { ["accuracyDrop"] = 0.2 };
            return o with { Values = [Math.Min(o.Values[0], cap)], ConstraintViolation = 0.2 - TenDims.Tolerance, Metrics = metrics };
        };
    }

    /// <summary>After the ray every trial loses 0.8 points: feasible at the tolerance of 1, past the local target of 0.5.</summary>
    private static TrialOutcome Wall(int number, ParameterSet p)
    {
        var o = TenDims.Outcome(number, p);
        if (number <= SweepAndRay) return o;
        var drop = Math.Max(0.8, o.Metrics!["accuracyDrop"]);
        var metrics = new Dictionary<string, double>(o.Metrics!) { ["accuracyDrop"] = drop };
        return o with { ConstraintViolation = drop - TenDims.Tolerance, Metrics = metrics };
    }

    /// <summary>The step the local search would take next after the first <paramref name="told"/> trials of the run (all of them by default), with the incumbent it moves around.</summary>
    private static (double Step, int Incumbent, int Moves) FinalStep(string rule, Func<int, ParameterSet, TrialOutcome> objective, int told = Budget)
    {
        var strategy = (SensitivityStrategy)SearchPlugin.Factory("sensitivity").Create();
        strategy.Initialize(Driver.Context(TenDims.Space, 0, Budget, $$"""{"localShare": 1, "localStepRule": "{{rule}}"}"""));
        var history = Driver.Run(strategy, objective, Budget).Select(s => s.Outcome).Take(told).ToList();
        var local = strategy.LocalSearch!;
        var incumbent = local.Incumbent(history)!;
        return (local.Step(history, incumbent), incumbent.Number, history.Count(o => local.Owns(o.Number) && o.Number > incumbent.Number));
    }

    [Fact]
    public void On_a_throughput_plateau_the_outcome_rule_lengthens_the_step_where_the_failures_rule_shortens_it()
    {
        var outcome = FinalStep("outcome", Plateau());
        var failures = FinalStep("failures", Plateau());
        Assert.True(outcome.Incumbent <= SweepAndRay && outcome.Moves >= 20, $"incumbent {outcome.Incumbent}, {outcome.Moves} moves since");
        Assert.Equal(0.45, outcome.Step, 6);
        Assert.True(failures.Step < InitialStep, $"failures rule: step {failures.Step}");
    }

    [Fact]
    public void Against_an_accuracy_wall_the_outcome_rule_shortens_the_step_faster_than_the_failures_rule()
    {
        var outcome = FinalStep("outcome", Wall, told: SweepAndRay + 8);
        var failures = FinalStep("failures", Wall, told: SweepAndRay + 8);
        Assert.True(outcome.Incumbent <= SweepAndRay && outcome.Moves >= 6, $"incumbent {outcome.Incumbent}, {outcome.Moves} moves since");
        Assert.Equal(outcome.Moves, failures.Moves);
        Assert.Equal(InitialStep * Math.Pow(0.7, outcome.Moves / 2), outcome.Step, 6);
        Assert.Equal(InitialStep * Math.Pow(0.7, outcome.Moves / 4), failures.Step, 6);
        Assert.Equal(0.03, FinalStep("outcome", Wall).Step, 6);
    }

    [Fact]
    public void With_the_outcome_rule_the_same_seed_gives_the_same_local_moves_with_trials_in_flight()
    {
        static List<string> Moves() => Driver.LocalMovesInFlight(TenDims.Space, """{"localStepRule": "outcome"}""", TenDims.Outcome, Budget);
        var first = Moves();
        Assert.NotEmpty(first);
        Assert.Equal(first, Moves());
    }
}
