using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// The loaded components by kind and name: a typed catalog the container builds from every registered
/// <see cref="ComponentDescriptor"/> and component instance (in load order: host assemblies first, then plugin
/// folders). It names no component: preferences (an evaluator for a model, a dense counterpart, the uniform
/// baseline) are what the components declare.
/// </summary>
public sealed class HassComponents
{
    private readonly Dictionary<(ComponentKind Kind, string Name), IHassComponent> _byKindAndName = [];
    private readonly Dictionary<(ComponentKind Kind, string Name), IHassComponent> _checked = [];

    public HassComponents(IEnumerable<ComponentDescriptor> descriptors, IEnumerable<IHassComponent> components)
    {
        Descriptors = descriptors.ToList();
        var instances = components.ToList();
        foreach (var d in Descriptors)
        {
            var instance = instances.FirstOrDefault(c => c.Name == d.Name && d.ServiceType.IsInstanceOfType(c));
            if (instance is null || !_byKindAndName.TryAdd((d.Kind, d.Name), instance)) continue;
            if (instance is IAcceleratorBackend backend) _checked[(d.Kind, d.Name)] = new CheckedBackend(backend, d.Plugin);
            if (instance is ISearchStrategyFactory strategy) _checked[(d.Kind, d.Name)] = new CheckedStrategyFactory(strategy, d.Plugin);
            if (instance is ITrialEvaluatorFactory evaluator) _checked[(d.Kind, d.Name)] = new CheckedEvaluatorFactory(evaluator, d.Plugin);
        }
    }

    public IReadOnlyList<ComponentDescriptor> Descriptors { get; }

    public IReadOnlyList<string> Names(ComponentKind kind) =>
        Descriptors.Where(d => d.Kind == kind).Select(d => d.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The component of that kind and name as registered, or null.</summary>
    public object? Find(ComponentKind kind, string name) => _byKindAndName.GetValueOrDefault((kind, name));

    /// <summary>The backend as the engine uses it: its designs are checked and its faults name it (<see cref="CheckedBackend"/>).</summary>
    public IAcceleratorBackend Backend(string name) =>
        _checked.GetValueOrDefault((ComponentKind.Backend, name)) as IAcceleratorBackend ?? throw Unknown(ComponentKind.Backend, name);

    /// <summary>The strategy factory as the engine uses it: its strategies' faults name it (<see cref="CheckedStrategy"/>).</summary>
    public ISearchStrategyFactory Strategy(string name) =>
        _checked.GetValueOrDefault((ComponentKind.Search, name)) as ISearchStrategyFactory ?? throw Unknown(ComponentKind.Search, name);

    public ISearchStrategyFactory? FindStrategy(string name) => Find(ComponentKind.Search, name) as ISearchStrategyFactory;

    public IReadOnlyList<string> MultiObjectiveStrategies() =>
        Names(ComponentKind.Search).Where(n => FindStrategy(n)?.MultiObjective == true).ToList();

    /// <summary>The first loaded strategy that declares itself the uniform baseline, or null.</summary>
    public ISearchStrategyFactory? UniformBaselineStrategy() =>
        Loaded<ISearchStrategyFactory>(ComponentKind.Search).FirstOrDefault(s => s.UniformBaseline);

    /// <summary>The backend that designs the dense counterpart of <paramref name="backend"/>: the one it declares when that is loaded, else itself.</summary>
    public string DenseCounterpart(string backend) =>
        Backend(backend).DenseCounterpart is { } dense && Find(ComponentKind.Backend, dense) is IAcceleratorBackend ? dense : backend;

    /// <summary>The backend to use when none is named: the first loaded one that declares a dense counterpart (a sparse backend), else the first loaded.</summary>
    public string? DefaultBackend()
    {
        var backends = Loaded<IAcceleratorBackend>(ComponentKind.Backend).ToList();
        return (backends.FirstOrDefault(b => b.DenseCounterpart is not null) ?? backends.FirstOrDefault())?.Name;
    }

    /// <summary>
    /// Evaluator factories in load order (host assemblies first, then plugin folders), as the engine uses them: their evaluations
    /// are checked and their faults name them (<see cref="CheckedEvaluator"/>).
    /// </summary>
    public IReadOnlyList<ITrialEvaluatorFactory> EvaluatorFactories() =>
        Descriptors.Where(d => d.Kind == ComponentKind.Evaluator).Select(d => _checked.GetValueOrDefault((d.Kind, d.Name))).OfType<ITrialEvaluatorFactory>().ToList();

    /// <summary>The named evaluator factory when it supports the model, or the first loaded one that supports it (checked, as <see cref="EvaluatorFactories"/>).</summary>
    public ITrialEvaluatorFactory? FindEvaluatorFactory(string model, string? evaluator = null)
    {
        if (evaluator is not null)
            return _checked.GetValueOrDefault((ComponentKind.Evaluator, evaluator)) is ITrialEvaluatorFactory named && named.Supports(model) ? named : null;
        return EvaluatorFactories().FirstOrDefault(f => f.Supports(model));
    }

    public ITrialEvaluatorFactory EvaluatorFor(string model, string? evaluator = null) =>
        FindEvaluatorFactory(model, evaluator)
        ?? throw new InvalidOperationException($"no evaluator supports model '{model}'; available models: {string.Join(", ", Names(ComponentKind.Model))}");

    private IEnumerable<T> Loaded<T>(ComponentKind kind) =>
        Descriptors.Where(d => d.Kind == kind).Select(d => Find(kind, d.Name)).OfType<T>();

    private InvalidOperationException Unknown(ComponentKind kind, string name) =>
        new($"unknown {kind.ToString().ToLowerInvariant()} '{name}'; available: {string.Join(", ", Names(kind))}");
}
