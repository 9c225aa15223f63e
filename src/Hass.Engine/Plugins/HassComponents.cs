using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Plugins;

/// <summary>Looks components up by kind and name in the host's service provider.</summary>
public sealed class HassComponents(IServiceProvider services)
{
    public IServiceProvider Services { get; } = services;

    public IReadOnlyList<ComponentDescriptor> Descriptors { get; } = services.GetServices<ComponentDescriptor>().ToList();

    public IReadOnlyList<string> Names(ComponentKind kind) =>
        Descriptors.Where(d => d.Kind == kind).Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The component of that kind and name as registered (its service type from the descriptor), or null.</summary>
    public object? Find(ComponentKind kind, string name)
    {
        var descriptor = Descriptors.FirstOrDefault(d => d.Kind == kind && d.Name == name);
        return descriptor is null || Services is not IKeyedServiceProvider keyed ? null : keyed.GetKeyedService(descriptor.ServiceType, name);
    }

    public IAcceleratorBackend Backend(string name) =>
        Services.GetKeyedService<IAcceleratorBackend>(name) ?? throw Unknown(ComponentKind.Backend, name);

    public ISearchStrategyFactory Strategy(string name) =>
        FindStrategy(name) ?? throw Unknown(ComponentKind.Search, name);

    public ISearchStrategyFactory? FindStrategy(string name) => Services.GetKeyedService<ISearchStrategyFactory>(name);

    public IReadOnlyList<string> MultiObjectiveStrategies() =>
        Names(ComponentKind.Search).Where(n => FindStrategy(n)?.MultiObjective == true).ToList();

    public IReadOnlyList<ITrialEvaluatorFactory> EvaluatorFactories() =>
        Names(ComponentKind.Evaluator).Select(n => Services.GetRequiredKeyedService<ITrialEvaluatorFactory>(n)).ToList();

    /// <summary>The named evaluator factory, or the first (by name, "torch" first) that supports the model.</summary>
    public ITrialEvaluatorFactory? FindEvaluatorFactory(string model, string? evaluator = null)
    {
        if (evaluator is not null)
        {
            var named = Services.GetKeyedService<ITrialEvaluatorFactory>(evaluator);
            return named is not null && named.Supports(model, Services) ? named : null;
        }
        return EvaluatorFactories().OrderBy(f => f.Name == "torch" ? 0 : 1).ThenBy(f => f.Name, StringComparer.Ordinal)
            .FirstOrDefault(f => f.Supports(model, Services));
    }

    public ITrialEvaluatorFactory EvaluatorFor(string model, string? evaluator = null) =>
        FindEvaluatorFactory(model, evaluator)
        ?? throw new InvalidOperationException($"no evaluator supports model '{model}'; available models: {string.Join(", ", Names(ComponentKind.Model))}");

    private InvalidOperationException Unknown(ComponentKind kind, string name) =>
        new($"unknown {kind.ToString().ToLowerInvariant()} '{name}'; available: {string.Join(", ", Names(kind))}");
}
