using System.Text.Json;
using Hass.Abstractions;

namespace Hass.Search.Tests;

/// <summary>Every strategy checks its settings without a campaign: each problem keyed by its setting.</summary>
public class SettingsValidationTests
{
    private static IReadOnlyList<SettingProblem> Problems(string strategy, string settings) =>
        ((ISettingsValidator)SearchPlugin.Factory(strategy)).ValidateSettings(JsonDocument.Parse(settings).RootElement);

    [Theory]
    [InlineData("tpe", """{"gamma": "abc"}""", "gamma")]
    [InlineData("tpe", """{"gamma": 2}""", "gamma")]
    [InlineData("tpe", """{"nStartupTrials": 1e12}""", "nStartupTrials")]
    [InlineData("tpe", """{"nEiCandidates": 0}""", "nEiCandidates")]
    [InlineData("tpe", """{"multivariate": "yes"}""", "multivariate")]
    [InlineData("tpe", """{"startup": 3}""", "startup")]
    [InlineData("tpe", """{"gama": 0.2}""", "gama")]
    [InlineData("uniform", """{"rays": [[2, 0]]}""", "rays")]
    [InlineData("uniform", """{"depth": 0}""", "depth")]
    [InlineData("uniform", """{"tolerance": "x"}""", "tolerance")]
    [InlineData("greedy", """{"mode": "sideways"}""", "mode")]
    [InlineData("greedy", """{"weightStep": 0}""", "weightStep")]
    [InlineData("anneal", """{"initialTemperature": "hot"}""", "initialTemperature")]
    [InlineData("nsga2", """{"populationSize": -3}""", "populationSize")]
    [InlineData("random", """{"anything": 1}""", "anything")]
    [InlineData("tpe", """{"density": "wide"}""", "density")]
    [InlineData("sensitivity", """{"sweepDepth": 0}""", "sweepDepth")]
    [InlineData("sensitivity", """{"rayDepth": "deep"}""", "rayDepth")]
    [InlineData("sensitivity", """{"tolerance": -1}""", "tolerance")]
    [InlineData("sensitivity", """{"density": 31}""", "density")]
    [InlineData("sensitivity", """{"localShare": 1.5}""", "localShare")]
    [InlineData("sensitivity", """{"localMargin": -0.5}""", "localMargin")]
    [InlineData("sensitivity", """{"localExchangeBelow": "low"}""", "localExchangeBelow")]
    public void A_bad_setting_is_named(string strategy, string settings, string key)
    {
        var problem = Assert.Single(Problems(strategy, settings));
        Assert.Equal(key, problem.Key);
        Assert.DoesNotContain("Exception", problem.Message);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var keys = Problems("tpe", """{"gamma": "abc", "gammaMax": 0, "nope": 1}""").Select(p => p.Key).Order().ToList();
        Assert.Equal(["gamma", "gammaMax", "nope"], keys);
    }

    [Fact]
    public void Settings_that_are_not_an_object_are_refused() =>
        Assert.Equal("", Assert.Single(Problems("tpe", "[1, 2]")).Key);

    [Theory]
    [InlineData("tpe", """{"nStartupTrials": 20, "gamma": 0.25, "multivariate": false}""")]
    [InlineData("uniform", """{"rays": [[1, 0], [0, 1]], "depth": 4}""")]
    [InlineData("greedy", """{"mode": "perLayer", "maxSteps": 10}""")]
    [InlineData("anneal", "{}")]
    [InlineData("nsga2", """{"populationSize": 8}""")]
    public void Valid_settings_have_no_problems(string strategy, string settings) =>
        Assert.Empty(Problems(strategy, settings));

    [Fact]
    public void Initialize_still_refuses_bad_settings_naming_each()
    {
        var e = Assert.Throws<ArgumentException>(() => Driver.Create("tpe", ConformanceTests.MixedSpace, 0, 10, """{"gamma": "abc", "gammaMax": 0}"""));
        Assert.Contains("setting gamma: must be a number in [0, 1] (got \"abc\")", e.Message);
        Assert.Contains("gammaMax", e.Message);
    }

    [Theory]
    [InlineData("tpe", """{"gama": 0.2}""", "gama", "unknown field (did you mean 'gamma'?); known fields here: nStartupTrials, gamma,")]
    [InlineData("tpe", """{"gamma": 2}""", "gamma", "must be in [0, 1] (got 2)")]
    [InlineData("tpe", """{"startup": "later"}""", "startup", "must be one of scaled, random (got \"later\")")]
    [InlineData("tpe", """{"nEiCandidates": 1.5}""", "nEiCandidates", "must be a whole number in [1, 100000] (got 1.5)")]
    [InlineData("sensitivity", """{"searchMargin": -0.3}""", "searchMargin", "must be in [0, 100] (got -0.3)")]
    [InlineData("sensitivity", """{"localResourceShare": 2}""", "localResourceShare", "must be in [0, 1] (got 2)")]
    [InlineData("sensitivity", """{"localFloors": 1}""", "localFloors", "must be true or false (got 1)")]
    [InlineData("sensitivity", """{"localStepRule": "bogus"}""", "localStepRule", "must be one of failures, outcome (got \"bogus\")")]
    [InlineData("sensitivity", """{"allocationDepth": 21}""", "allocationDepth", "must be in [0, 20] (got 21)")]
    [InlineData("sensitivity", """{"searchMarginScope": "sweep"}""", "searchMarginScope", "must be one of all, tpe (got \"sweep\")")]
    [InlineData("greedy", """{"mode": "sideways"}""", "mode", "must be one of global, perLayer (got \"sideways\")")]
    [InlineData("uniform", """{"rays": [[2, 0]]}""", "rays", "must be a list of [weight, activation] pairs of numbers in [0, 1], e.g. [[1, 0], [1, 1]] (got an array)")]
    [InlineData("uniform", """{"rays": "all"}""", "rays", "must be a list of [weight, activation] pairs of numbers in [0, 1], e.g. [[1, 0], [1, 1]] (got \"all\")")]
    [InlineData("anneal", """{"initialTemperature": 0}""", "initialTemperature", "must be at least 1E-12 (got 0)")]
    [InlineData("random", """{"anything": 1}""", "anything", "unknown field; known fields here: (none)")]
    public void A_problem_says_what_is_allowed(string strategy, string settings, string key, string message)
    {
        var problem = Assert.Single(Problems(strategy, settings));
        Assert.Equal(key, problem.Key);
        Assert.True(problem.Message.StartsWith(message, StringComparison.Ordinal), $"expected \"{message}…\", got \"{problem.Message}\"");
    }

    [Fact]
    public void The_settings_records_hold_the_documented_defaults()
    {
        var tpe = new Tpe.TpeSettings();
        Assert.Equal((0.1, 25, 24, true), (tpe.Gamma, tpe.GammaMax, tpe.NEiCandidates, tpe.ConstantLiar));
        Assert.Equal(10, tpe.StartupTrials(dimensions: 4, budget: null));
        Assert.Equal(16, tpe.StartupTrials(dimensions: 8, budget: 150));
        Assert.Equal(1, tpe.StartupTrials(dimensions: 8, budget: 2));
        Assert.Equal(5, new Strategies.UniformSettings().Rays?.Length ?? Strategies.UniformSettings.DefaultRays.Length);
        var sensitivity = new Sensitivity.SensitivitySettings();
        Assert.Equal((0.5, 0.5, 0.25, 0.0), (sensitivity.LocalShare, sensitivity.LocalMargin, sensitivity.LocalExchangeBelow, sensitivity.LocalResourceShare));
        Assert.Equal((false, Sensitivity.LocalStepRule.Failures), (sensitivity.LocalModel, sensitivity.LocalStepRule));
        Assert.Equal((0.0, Sensitivity.SearchMarginScope.All), (sensitivity.SearchMargin, sensitivity.SearchMarginScope));
        Assert.Equal((5, 0, false), (sensitivity.RayDepth, sensitivity.AllocationDepth, sensitivity.LocalFloors));
        Assert.Equal((0.02, 0.01, int.MaxValue), (new Strategies.GreedySettings().WeightStep, new Strategies.GreedySettings().ActivationStep, new Strategies.GreedySettings().MaxSteps));
    }

    [Theory]
    [InlineData("""{"\ud800": 1}""", "")]
    [InlineData("""{"startup": "\ud800"}""", "startup")]
    public void Text_that_is_not_valid_unicode_is_a_problem_not_a_crash(string settings, string key) =>
        Assert.Equal(key, Assert.Single(Problems("tpe", settings)).Key);
}
