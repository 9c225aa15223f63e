using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Abstractions;

[JsonConverter(typeof(JsonStringEnumConverter<ComponentKind>))]
public enum ComponentKind
{
    Model, Pruning, Backend, Search, BoardLink, Evaluator,
    /// <summary>Writes a pruned network in an exchange format (Hass.Torch's INetworkExporter), named by the format ("onnx").</summary>
    NetworkExporter,
    /// <summary>Writes a design in a hardware generator's configuration format (Hass.Torch's IDesignExporter), named by the format ("fpgaconvnet").</summary>
    DesignExporter,
}

/// <summary>Anything a plugin registers under a public, lower-case name.</summary>
public interface IHassComponent
{
    string Name { get; }
    string Description { get; }
}

/// <summary>Describes one registered component; the engine lists these in `hass plugins`.</summary>
public sealed record ComponentDescriptor(ComponentKind Kind, string Name, string Description, Type ServiceType, string Plugin = "", string PluginVersion = "");

/// <summary>The entry type of a plugin assembly (named in plugin.json).</summary>
public interface IHassPlugin
{
    void ConfigureServices(IServiceCollection services);
}

public static class HassSdk
{
    /// <summary>SDK version plugins are built against; a different major version is refused.</summary>
    public static readonly Version Version = new(1, 1, 0);

    /// <summary>The service type each component kind is registered (keyed) under.</summary>
    public static Type ServiceTypeOf(ComponentKind kind) => kind switch
    {
        ComponentKind.Backend => typeof(IAcceleratorBackend),
        ComponentKind.Search => typeof(ISearchStrategyFactory),
        ComponentKind.BoardLink => typeof(IBoardLinkFactory),
        ComponentKind.Evaluator => typeof(ITrialEvaluatorFactory),
        // Model, pruning and exporter types live in Hass.Torch; the engine resolves them through the descriptor.
        _ => typeof(IHassComponent),
    };
}

public static class HassServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="component"/> as a singleton of <typeparamref name="TService"/>, keyed by its name and
    /// in the unkeyed list (so other components can take every <typeparamref name="TService"/> in their constructor),
    /// plus a <see cref="ComponentDescriptor"/> so the engine can list and validate it.
    /// </summary>
    public static IServiceCollection AddHassComponent<TService>(this IServiceCollection services, ComponentKind kind, TService component)
        where TService : class, IHassComponent
    {
        var name = CheckName(component.Name);
        services.AddKeyedSingleton<TService>(name, component);
        services.AddSingleton<TService>(component);
        if (typeof(TService) != typeof(IHassComponent)) services.AddSingleton<IHassComponent>(component);
        services.AddSingleton(new ComponentDescriptor(kind, name, component.Description, typeof(TService)));
        return services;
    }

    /// <summary>
    /// Registers a component the container builds (one instance), so it can take other services — model sources,
    /// pruning criteria, board links — in its constructor: <typeparamref name="TImplementation"/> is created once and
    /// registered like <see cref="AddHassComponent{TService}(IServiceCollection, ComponentKind, TService)"/>; its
    /// <see cref="IHassComponent.Name"/> must be <paramref name="name"/>.
    /// </summary>
    public static IServiceCollection AddHassComponent<TService, TImplementation>(this IServiceCollection services, ComponentKind kind, string name, string description)
        where TService : class, IHassComponent
        where TImplementation : class, TService
    {
        CheckName(name);
        services.AddSingleton<TImplementation>();
        services.AddKeyedSingleton<TService>(name, (provider, _) => provider.GetRequiredService<TImplementation>());
        services.AddSingleton<TService>(provider => provider.GetRequiredService<TImplementation>());
        if (typeof(TService) != typeof(IHassComponent)) services.AddSingleton<IHassComponent>(provider => provider.GetRequiredService<TImplementation>());
        services.AddSingleton(new ComponentDescriptor(kind, name, description, typeof(TService)));
        return services;
    }

    /// <summary>
    /// Registers <paramref name="component"/>, a service without a name of its own (an exporter), as a singleton of
    /// <typeparamref name="TService"/> keyed by <paramref name="name"/>, plus a <see cref="ComponentDescriptor"/>: the engine
    /// lists it in `hass plugins` and refuses a second plugin that registers the same kind and name.
    /// </summary>
    public static IServiceCollection AddHassComponent<TService>(this IServiceCollection services, ComponentKind kind, string name, string description, TService component)
        where TService : class
    {
        CheckName(name);
        services.AddKeyedSingleton<TService>(name, component);
        services.AddSingleton(new ComponentDescriptor(kind, name, description, typeof(TService)));
        return services;
    }

    private static string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name != name.ToLowerInvariant() || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"component name '{name}' must be non-empty, lower-case and without spaces");
        return name;
    }
}
