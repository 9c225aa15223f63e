using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

/// <summary>
/// Test-only components that drive the engine without TorchSharp: a synthetic evaluator (model
/// "synthetic-cnn", pruning "synthetic-threshold"), a toy analytic backend ("toy") and a seeded random
/// strategy ("seeded-random") and the example board link "loopback". Cheap and deterministic, but real plugins loaded through the real catalog.
/// </summary>
public sealed class SyntheticPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddHassComponent<ITrialEvaluatorFactory>(ComponentKind.Evaluator, new SyntheticEvaluatorFactory());
        services.AddHassComponent<IHassComponent>(ComponentKind.Model, new NamedComponent(SyntheticEvaluatorFactory.ModelName, "Test-only synthetic 2-conv CNN (no weights)"));
        services.AddHassComponent<IHassComponent>(ComponentKind.Pruning, new NamedComponent("synthetic-threshold", "Test-only per-layer thresholds with a closed-form accuracy"));
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new ToyBackend());
        services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new SeededRandomFactory());
        services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new SeededRandomMultiFactory());
        services.AddHassComponent<IBoardLinkFactory>(ComponentKind.BoardLink, new LoopbackLinkFactory());
    }
}

public sealed record NamedComponent(string Name, string Description) : IHassComponent;
