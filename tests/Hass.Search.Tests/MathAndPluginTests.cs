using Hass.Abstractions;
using Hass.Search.Core;
using Hass.Search.Tpe;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Search.Tests;

public class MathAndPluginTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(-1.0, 0.15865525393145707)]
    [InlineData(3.0, 0.9986501019683699)]
    public void Normal_cdf_matches_reference_values(double x, double expected) =>
        Assert.Equal(expected, NormalMath.Cdf(x), 6);

    [Fact]
    public void Normal_tails_keep_their_shape_far_out()
    {
        // Q(10) = 7.6198530241605e-24, Q(30) = 4.906713927148187e-198.
        Assert.Equal(Math.Log(7.6198530241605e-24), NormalMath.LogUpperTail(10), 5);
        Assert.Equal(Math.Log(4.906713927148187e-198), NormalMath.LogUpperTail(30), 4);
        Assert.Equal(NormalMath.LogProbBetween(-2, -1), NormalMath.LogProbBetween(1, 2), 9);
        Assert.True(double.IsFinite(NormalMath.LogProbBetween(40, 40.5)));
    }

    [Theory]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(1e-10, -6.361340902404056)]
    public void Normal_quantile_inverts_the_cdf(double p, double expected) =>
        Assert.Equal(expected, NormalMath.Quantile(p), 6);

    [Fact]
    public void Truncated_normal_draws_stay_inside_and_have_the_right_mean()
    {
        var rng = new Rng(1);
        var draws = Enumerable.Range(0, 20000).Select(_ => NormalMath.SampleTruncated(rng, 0, 1, 0, 10)).ToList();
        Assert.All(draws, x => Assert.InRange(x, 0, 10));
        Assert.Equal(Math.Sqrt(2 / Math.PI), draws.Average(), 2); // half-normal mean
        var far = Enumerable.Range(0, 100).Select(_ => NormalMath.SampleTruncated(rng, -50, 1, 0, 1)).ToList();
        Assert.All(far, x => Assert.InRange(x, 0, 1));
    }

    [Fact]
    public void Tpe_split_and_weights_follow_optunas_defaults()
    {
        Assert.Equal(1, TpeStrategy.BelowCount(1, 0.1, 25));
        Assert.Equal(10, TpeStrategy.BelowCount(100, 0.1, 25));
        Assert.Equal(25, TpeStrategy.BelowCount(1000, 0.1, 25));
        Assert.Equal(Enumerable.Repeat(1.0, 24), TpeStrategy.ObservationWeights(24));
        var w = TpeStrategy.ObservationWeights(30); // ramp of 5 from 1/30 to 1, then 25 ones
        Assert.Equal(1.0 / 30, w[0], 12);
        Assert.Equal(1.0, w[4], 12);
        Assert.All(w.Skip(5), x => Assert.Equal(1.0, x));
    }

    [Fact]
    public void Parzen_estimator_densities_integrate_to_one()
    {
        var space = new SearchSpace([
            new SearchDimension { Name = "x", Low = 0, High = 1 },
            new SearchDimension { Name = "n", Kind = DimensionKind.Int, Low = 0, High = 4 },
            new SearchDimension { Name = "c", Kind = DimensionKind.Categorical, Choices = ["a", "b", "c"] },
        ]);
        var codec = new SpaceCodec(space, "test");
        var obs = new List<double[]> { new[] { 0.2, 1.0, 0 }, new[] { 0.25, 3.0, 2 }, new[] { 0.9, 4.0, 2 } };
        var pe = new ParzenEstimator(codec, obs, [1, 1, 1], new ParzenOptions());
        const int steps = 20000;
        var integral = Enumerable.Range(0, steps).Sum(i => Math.Exp(pe.LogPdfDimension(0, (i + 0.5) / steps)) / steps);
        Assert.Equal(1.0, integral, 3);
        Assert.Equal(1.0, Enumerable.Range(0, 5).Sum(n => Math.Exp(pe.LogPdfDimension(1, n))), 6);
        Assert.Equal(1.0, Enumerable.Range(0, 3).Sum(c => Math.Exp(pe.LogPdfDimension(2, c))), 9);
        // Mass concentrates near the observations.
        Assert.True(pe.LogPdfDimension(0, 0.22) > pe.LogPdfDimension(0, 0.6));
    }

    [Fact]
    public void Rng_streams_are_reproducible_and_independent()
    {
        Assert.Equal(Rng.For(1, 2, 3).NextULong(), Rng.For(1, 2, 3).NextULong());
        Assert.NotEqual(Rng.For(1, 2, 3).NextULong(), Rng.For(1, 3, 2).NextULong());
        Assert.NotEqual(Rng.For(1, 2).NextULong(), Rng.For(2, 2).NextULong());
    }

    [Fact]
    public void Plugin_registers_every_strategy_under_its_public_name()
    {
        var services = new ServiceCollection();
        new SearchPlugin().ConfigureServices(services);
        var provider = services.BuildServiceProvider();
        var names = provider.GetServices<ComponentDescriptor>().Select(d => d.Name).ToList();
        Assert.Equal(["tpe", "random", "uniform", "greedy", "anneal", "nsga2", "sensitivity"], names);
        foreach (var name in names)
        {
            var factory = provider.GetRequiredKeyedService<ISearchStrategyFactory>(name);
            Assert.Equal(name, factory.Name);
            Assert.False(string.IsNullOrWhiteSpace(factory.Description));
        }
        Assert.True(provider.GetRequiredKeyedService<ISearchStrategyFactory>("nsga2").MultiObjective);
        // The final phase finds its non-hardware-aware baseline by this declaration, not by the name.
        Assert.Equal(["uniform"], provider.GetServices<ISearchStrategyFactory>().Where(f => f.UniformBaseline).Select(f => f.Name));
    }

    [Fact]
    public void Invalid_spaces_and_settings_are_refused_with_clear_messages()
    {
        ArgumentException Refused(SearchSpace space, string settings = "{}") =>
            Assert.Throws<ArgumentException>(() => Driver.Create("tpe", space, 0, 10, settings));
        Assert.Contains("no dimensions", Refused(new SearchSpace([])).Message);
        Assert.Contains("'w:x'", Refused(new SearchSpace([new SearchDimension { Name = "w:x", Low = 0, High = 1, Log = true }])).Message);
        Assert.Contains("twice", Refused(new SearchSpace([new SearchDimension { Name = "a" }, new SearchDimension { Name = "a" }])).Message);
        Assert.Contains("gamma", Refused(new SearchSpace([new SearchDimension { Name = "a" }]), """{"gamma": 3}""").Message);
        Assert.Contains("prunedTrials", Refused(new SearchSpace([new SearchDimension { Name = "a" }]), """{"prunedTrials": "maybe"}""").Message);
        var noThresholds = new SearchSpace([new SearchDimension { Name = "batch", Kind = DimensionKind.Int, Low = 1, High = 8 }]);
        Assert.Contains("\"w:<layer>\"", Assert.Throws<ArgumentException>(() => Driver.Create("uniform", noThresholds, 0)).Message);
        Assert.Contains("mode", Assert.Throws<ArgumentException>(() => Driver.Create("greedy", new SearchSpace([new SearchDimension { Name = "w:x" }]), 0, settings: """{"mode": "sideways"}""")).Message);
    }

    [Theory]
    [InlineData("""{"considerPrior": false}""")]
    [InlineData("""{"considerMagicClip": false}""")]
    [InlineData("""{"considerEndpoints": true}""")]
    [InlineData("""{"multivariate": true}""")]
    [InlineData("""{"multivariate": true, "considerPrior": false}""")]
    [InlineData("""{"startup": "random", "nStartupTrials": 5}""")]
    [InlineData("""{"prunedTrials": "ignore", "constantLiar": false, "constraints": false}""")]
    [InlineData("""{"gamma": 0.25, "gammaMax": 10, "nEiCandidates": 64, "priorWeight": 0.5}""")]
    public void Every_tpe_option_works_on_every_dimension_kind(string settings)
    {
        var strategy = Driver.Create("tpe", ConformanceTests.MixedSpace, 3, 50, settings);
        var steps = Driver.Run(strategy, (n, p) => n % 5 == 3
            ? ConformanceTests.MixedObjective(n, p) with { State = TrialState.Pruned, Metrics = new Dictionary<string, double> { ["step"] = 2 } }
            : ConformanceTests.MixedObjective(n, p), 50, parallel: 2);
        Assert.Equal(50, steps.Count);
        Assert.Contains(steps, s => s.Suggestion.Origin == "tpe");
        Assert.All(steps, s => Assert.True(ConformanceTests.MixedSpace.Contains(s.Suggestion.Parameters)));
    }
}
