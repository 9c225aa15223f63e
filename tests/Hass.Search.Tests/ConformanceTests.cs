using Hass.Abstractions;

namespace Hass.Search.Tests;

/// <summary>The conformance kit: every registered strategy must pass every test here.</summary>
public class ConformanceTests
{
    public static TheoryData<string> Strategies()
    {
        var data = new TheoryData<string>();
        foreach (var f in SearchPlugin.Factories) data.Add(f.Name);
        return data;
    }

    /// <summary>Every dimension kind: linear/log floats, linear/log ints, a categorical, plus threshold dimensions.</summary>
    public static SearchSpace MixedSpace { get; } = new([
        new SearchDimension { Name = "w:features.0", Low = 0, High = 0.05 },
        new SearchDimension { Name = "w:features.3", Kind = DimensionKind.Int, Low = 0, High = 20 },
        new SearchDimension { Name = "a:features.1", Low = 1e-3, High = 1, Log = true, Default = 1e-3 },
        new SearchDimension { Name = "a:features.4", Low = 0, High = 1 },
        new SearchDimension { Name = "batch", Kind = DimensionKind.Int, Low = 1, High = 256, Log = true, Default = 1 },
        new SearchDimension { Name = "solver", Kind = DimensionKind.Categorical, Choices = ["greedy", "anneal", "improve"] },
    ]);

    /// <summary>A smooth constrained objective on the mixed space (throughput-like value, accuracy-like constraint).</summary>
    public static TrialOutcome MixedObjective(int number, ParameterSet p)
    {
        var sparsity = p["w:features.0"] / 0.05 + p["w:features.3"] / 20 + Math.Log(p["a:features.1"] / 1e-3) / Math.Log(1000) + p["a:features.4"];
        var value = 1 + sparsity + 0.1 * Math.Log(p["batch"]) + (p["solver"] == 1 ? 0.3 : 0);
        var drop = 0.5 * sparsity * sparsity;
        return new TrialOutcome(number, p, TrialState.Complete, [value], drop - 1,
            new Dictionary<string, double> { ["accuracyDrop"] = drop, ["accuracy"] = 90 - drop, ["effectiveSparsity"] = sparsity / 4 });
    }

    private static int Objectives(string name) => name == "nsga2" ? 2 : 1;

    private static Func<int, ParameterSet, TrialOutcome> ObjectiveFor(string name) => name == "nsga2"
        ? (n, p) => MixedObjective(n, p) is var o ? o with { Values = [o.Metrics!["accuracy"], o.Values[0]], ConstraintViolation = 0 } : o
        : MixedObjective;

    private static ISearchStrategy Create(string name, int seed, int? budget = 40, string settings = "{}") =>
        Driver.Create(name, MixedSpace, seed, budget, settings, Objectives(name));

    private static List<(int, string, string)> Signature(IEnumerable<Driver.Step> steps) =>
        steps.Select(s => (s.Suggestion.Number, s.Suggestion.Parameters.QuantisedKey(17), s.Suggestion.Origin)).ToList();

    [Theory, MemberData(nameof(Strategies))]
    public void Same_seed_gives_the_same_suggestions(string name)
    {
        var a = Driver.Run(Create(name, 3), ObjectiveFor(name), 40);
        var b = Driver.Run(Create(name, 3), ObjectiveFor(name), 40);
        Assert.NotEmpty(a);
        Assert.Equal(Signature(a), Signature(b));
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Different_seeds_explore_differently_unless_the_strategy_is_deterministic(string name)
    {
        var a = Driver.Run(Create(name, 1), ObjectiveFor(name), 30);
        var b = Driver.Run(Create(name, 2), ObjectiveFor(name), 30);
        if (name is "uniform" or "greedy") Assert.Equal(Signature(a), Signature(b)); // seedless by design
        else Assert.NotEqual(Signature(a), Signature(b));
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Suggestions_stay_inside_every_kind_of_dimension(string name)
    {
        var steps = Driver.Run(Create(name, 5, budget: 80), ObjectiveFor(name), 80, parallel: 3);
        Assert.NotEmpty(steps);
        foreach (var s in steps)
        {
            Assert.True(MixedSpace.Contains(s.Suggestion.Parameters), $"{name} suggested {s.Suggestion.Parameters.QuantisedKey()} outside the space");
            Assert.Equal(MixedSpace.Dimensions.Count, s.Suggestion.Parameters.Values.Count);
        }
        Assert.Equal(steps.Select(s => s.Suggestion.Number).Order(), Enumerable.Range(0, steps.Count));
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Failed_pruned_abandoned_and_infeasible_trials_are_tolerated(string name)
    {
        var objective = ObjectiveFor(name);
        TrialOutcome Hostile(int n, ParameterSet p)
        {
            var o = objective(n, p);
            return (n % 9) switch
            {
                2 => o with { State = TrialState.Failed, Values = [] },
                4 => o with { State = TrialState.Pruned, Values = [o.Values[0] * 0.5], Metrics = new Dictionary<string, double> { ["step"] = 1 } },
                5 => o with { State = TrialState.Pruned, Values = [] },
                6 => o with { State = TrialState.Abandoned, Values = [] },
                7 => o with { ConstraintViolation = 3 + n },
                8 => o with { Values = [double.NaN, .. o.Values.Skip(1)], ConstraintViolation = double.NaN },
                _ => o,
            };
        }
        var strategy = Create(name, 11, budget: 60);
        var steps = Driver.Run(strategy, Hostile, 60, parallel: 2);
        Assert.NotEmpty(steps);
        Assert.All(steps, s => Assert.True(MixedSpace.Contains(s.Suggestion.Parameters)));
        // A strategy that always fails must also be survivable: it either keeps proposing or finishes cleanly.
        var doomed = Create(name, 12, budget: 20);
        var failed = Driver.Run(doomed, (n, p) => new TrialOutcome(n, p, TrialState.Failed, []), 20);
        Assert.NotEmpty(failed);
    }

    [Theory, MemberData(nameof(Strategies))]
    public void A_fresh_instance_replaying_the_stored_outcomes_continues_identically(string name)
    {
        foreach (var parallel in new[] { 1, 3 })
        {
            var objective = ObjectiveFor(name);
            var original = Create(name, 21, budget: 60);
            original.Enqueue(MixedSpace.Defaults(), "warm:defaults");
            var stored = Driver.Run(original, objective, 23, parallel);

            var resumed = Create(name, 21, budget: 60);
            resumed.Enqueue(MixedSpace.Defaults(), "warm:defaults");
            foreach (var s in stored.OrderBy(s => s.Outcome.Number)) resumed.Tell(s.Outcome);

            var nextOriginal = Driver.Run(original, objective, 15);
            var nextResumed = Driver.Run(resumed, objective, 15);
            Assert.Equal(Signature(nextOriginal), Signature(nextResumed));
        }
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Trials_lost_before_they_were_stored_do_not_block_a_resumed_campaign(string name)
    {
        // Trials 9 and 14 were in flight when the campaign stopped and never reached the store; the
        // uninterrupted reference run saw them come back as Abandoned.
        var objective = ObjectiveFor(name);
        TrialOutcome WithLosses(int n, ParameterSet p) => n is 9 or 14 ? new TrialOutcome(n, p, TrialState.Abandoned, []) : objective(n, p);
        var original = Create(name, 31, budget: 60);
        var stored = Driver.Run(original, WithLosses, 23, parallel: 3).Where(s => s.Outcome.Number is not (9 or 14)).ToList();

        var resumed = Create(name, 31, budget: 60);
        foreach (var s in stored.OrderBy(s => s.Outcome.Number)) resumed.Tell(s.Outcome);
        Assert.True(resumed.CanAsk, $"{name} is blocked by trials that will never be told");
        Assert.Equal(Signature(Driver.Run(original, objective, 15)), Signature(Driver.Run(resumed, objective, 15)));
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Several_trials_can_be_in_flight_and_told_in_any_order(string name)
    {
        var strategy = Create(name, 8, budget: 60);
        var steps = Driver.Run(strategy, ObjectiveFor(name), 60, parallel: 4, reverseTells: true);
        Assert.True(steps.Count >= 10, $"{name} stopped after {steps.Count} trials");
        var numbers = steps.Select(s => s.Suggestion.Number).ToList();
        Assert.Equal(numbers.Count, numbers.Distinct().Count());
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Enqueued_points_are_asked_first_in_order(string name)
    {
        var strategy = Create(name, 4);
        var points = new[]
        {
            MixedSpace.Defaults(),
            new ParameterSet(new Dictionary<string, double> { ["w:features.0"] = 0.01, ["w:features.3"] = 3, ["a:features.1"] = 0.1, ["a:features.4"] = 0.2, ["batch"] = 16, ["solver"] = 2 }),
            new ParameterSet(new Dictionary<string, double> { ["w:features.0"] = 0.02 }), // missing dimensions take their default
        };
        for (var i = 0; i < points.Length; i++) strategy.Enqueue(points[i], $"warm:{i}");
        for (var i = 0; i < points.Length; i++)
        {
            var s = strategy.Ask();
            Assert.Equal(i, s.Number);
            Assert.Equal($"warm:{i}", s.Origin);
            Assert.Equal(points[i]["w:features.0"], s.Parameters["w:features.0"]);
            Assert.True(MixedSpace.Contains(s.Parameters));
        }
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Bad_input_is_refused_with_a_message_naming_it(string name)
    {
        var strategy = Create(name, 1);
        var outside = new ParameterSet(new Dictionary<string, double> { ["w:features.0"] = 0.5 });
        var e1 = Assert.Throws<ArgumentException>(() => strategy.Enqueue(outside, "warm"));
        Assert.Contains("w:features.0", e1.Message);
        var unknown = new ParameterSet(new Dictionary<string, double> { ["w:nope"] = 0 });
        Assert.Contains("w:nope", Assert.Throws<ArgumentException>(() => strategy.Enqueue(unknown, "warm")).Message);

        var e2 = Assert.Throws<ArgumentException>(() => Create(name, 1, settings: """{"noSuchSetting": 1}"""));
        Assert.Contains("noSuchSetting", e2.Message);

        var fresh = SearchPlugin.Factory(name).Create();
        Assert.Contains(name, Assert.Throws<InvalidOperationException>(() => fresh.Ask()).Message);

        var s = strategy.Ask();
        var outcome = ObjectiveFor(name)(s.Number, s.Parameters);
        var e3 = Assert.Throws<ArgumentException>(() => strategy.Tell(outcome with { Values = [.. outcome.Values, 1.0] }));
        Assert.Contains("objective", e3.Message);
        strategy.Tell(outcome); // the corrected outcome is still accepted
        Assert.Throws<InvalidOperationException>(() => strategy.Tell(outcome));
    }

    [Theory, MemberData(nameof(Strategies))]
    public void Outcomes_of_earlier_campaigns_told_with_negative_numbers_are_used_without_disturbing_numbering(string name)
    {
        var objective = ObjectiveFor(name);
        var strategy = Create(name, 6, budget: 40);
        var earlier = Driver.Run(Driver.Create("random", MixedSpace, 99, 40, "{}", Objectives(name)), objective, 15);
        foreach (var s in earlier) strategy.Tell(s.Outcome with { Number = s.Outcome.Number - 1000 });
        var steps = Driver.Run(strategy, objective, 20);
        Assert.NotEmpty(steps);
        Assert.Equal(Enumerable.Range(0, steps.Count), steps.Select(s => s.Suggestion.Number));
        if (name == "tpe") // fifteen stored observations already cover most of the start-up phase
            Assert.Contains(steps, s => s.Suggestion.Origin == "tpe");
    }
}
