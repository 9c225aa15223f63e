using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Hass.Engine.Tests;

/// <summary>The composition root: components built by the container, declared preferences, the campaign as validated options.</summary>
public class CompositionTests
{
    private sealed class Backend(string name, string? dense = null) : IAcceleratorBackend
    {
        public string Name => name;
        public string Description => "test backend";
        public string Version => "1";
        public string? DenseCounterpart => dense;
        public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
        public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) => throw new NotSupportedException();
    }

    private sealed class Baseline : ISearchStrategyFactory
    {
        public string Name => "flat";
        public string Description => "test uniform baseline";
        public bool UniformBaseline => true;
        public ISearchStrategy Create() => throw new NotSupportedException();
    }

    [Fact]
    public void An_unknown_component_still_names_its_kind_and_what_is_available()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        Assert.Equal("unknown backend 'nope'; available: toy", Assert.Throws<InvalidOperationException>(() => components.Backend("nope")).Message);
        Assert.Equal("unknown search 'nope'; available: seeded-random, seeded-random-mo",
            Assert.Throws<InvalidOperationException>(() => components.Strategy("nope")).Message);
        Assert.Equal("no evaluator supports model 'resnet'; available models: synthetic-cnn",
            Assert.Throws<InvalidOperationException>(() => components.EvaluatorFor("resnet")).Message);
        Assert.Null(components.FindEvaluatorFactory("synthetic-cnn", evaluator: "nope"));
    }

    [Fact]
    public void Preferences_are_what_the_components_declare()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new Backend("fast-sparse", dense: "fast-plain"))
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new Backend("fast-plain"))
            .AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new Backend("lonely-sparse", dense: "not-loaded"))
            .AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new Baseline()));
        using var _ = provider;
        Assert.Equal("fast-plain", components.DenseCounterpart("fast-sparse"));
        Assert.Equal("fast-plain", components.DenseCounterpart("fast-plain"));
        Assert.Equal("lonely-sparse", components.DenseCounterpart("lonely-sparse"));
        Assert.Equal("toy", components.DenseCounterpart("toy"));
        Assert.Equal("fast-sparse", components.DefaultBackend());
        Assert.Equal("flat", components.UniformBaselineStrategy()?.Name);
        Assert.Equal("synthetic", components.EvaluatorFor("synthetic-cnn").Name);
    }

    [Fact]
    public void Without_a_sparse_backend_or_a_baseline_strategy_nothing_is_made_up()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        Assert.Equal("toy", components.DefaultBackend());
        Assert.Null(components.UniformBaselineStrategy());
    }

    [Fact]
    public void The_campaign_is_bound_as_options_and_validated_against_what_is_loaded()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("Synthetic"));
        var spec = CampaignLoader.Load(TestEnvironment.SyntheticCampaign, new CampaignOverrides());
        using (var good = TestEnvironment.Provider(catalog, s => s.AddSingleton(TestEnvironment.Boards()).AddCampaign(spec, "s.json")))
            Assert.Same(spec, good.GetRequiredService<IOptions<CampaignSpec>>().Value);

        var bad = spec with { Backend = spec.Backend with { Name = "nope" }, Final = new Running.FinalSpec { UniformBaselineTrials = 4 } };
        using var provider = TestEnvironment.Provider(catalog, s => s.AddSingleton(TestEnvironment.Boards()).AddCampaign(bad, "s.json"));
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<CampaignSpec>>().Value);
        var message = Assert.Single(e.Failures);
        Assert.StartsWith("campaign s.json is not valid:\n  - $.backend.name: unknown backend 'nope'; available: toy", message);
        Assert.Contains("\n  - $.final.uniformBaselineTrials: no loaded strategy is a uniform baseline", message);
    }
}
