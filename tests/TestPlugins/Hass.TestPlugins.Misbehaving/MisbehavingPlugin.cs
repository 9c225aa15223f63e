using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

/// <summary>
/// Test-only third-party components that break their contract, each in one way its name says: backends whose designs
/// are not designs (NaN, infinite, zero or negative throughput, resources beyond the board, no layers) or that throw or
/// ignore cancellation, strategies that ask outside their space, repeat numbers or throw, and evaluators whose outcomes are
/// not accuracies (NaN, infinite or out-of-range top-1, no images, a missing, NaN or foreign sparsity profile), whose exported
/// networks are not the pruned network (missing, short or NaN weights, a foreign layer or graph), whose calibration images
/// are not the images asked for (missing, too few, NaN), or that throw.
/// Used with the synthetic plugin, whose evaluator, model and board they run against.
/// </summary>
public sealed class MisbehavingPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        foreach (var backend in MisbehavingBackend.All())
            services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, backend);
        foreach (var strategy in MisbehavingStrategyFactory.All())
            services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, strategy);
        foreach (var evaluator in MisbehavingEvaluatorFactory.All())
            services.AddHassComponent<ITrialEvaluatorFactory>(ComponentKind.Evaluator, evaluator);
    }
}
