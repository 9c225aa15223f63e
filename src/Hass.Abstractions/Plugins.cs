using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Abstractions;

[JsonConverter(typeof(JsonStringEnumConverter<ComponentKind>))]
public enum ComponentKind { Model, Pruning, Backend, Search, BoardLink, Evaluator }

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
    public static readonly Version Version = new(1, 0, 0);

    /// <summary>The service type each component kind is registered (keyed) under.</summary>
    public static Type ServiceTypeOf(ComponentKind kind) => kind switch
    {
        ComponentKind.Backend => typeof(IAcceleratorBackend),
        ComponentKind.Search => typeof(ISearchStrategyFactory),
        ComponentKind.BoardLink => typeof(IBoardLinkFactory),
        ComponentKind.Evaluator => typeof(ITrialEvaluatorFactory),
        // Model and pruning types live in Hass.Torch; the engine resolves them through the descriptor.
        _ => typeof(IHassComponent),
    };
}

public static class HassServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="component"/> as a keyed singleton of <typeparamref name="TService"/> under its
    /// name, plus a <see cref="ComponentDescriptor"/> so the engine can list and validate it.
    /// </summary>
    public static IServiceCollection AddHassComponent<TService>(this IServiceCollection services, ComponentKind kind, TService component)
        where TService : class, IHassComponent
    {
        var name = component.Name;
        if (string.IsNullOrWhiteSpace(name) || name != name.ToLowerInvariant() || name.Any(char.IsWhiteSpace))
            throw new ArgumentException($"component name '{name}' must be non-empty, lower-case and without spaces");
        services.AddKeyedSingleton<TService>(name, component);
        services.AddSingleton(new ComponentDescriptor(kind, name, component.Description, typeof(TService)));
        return services;
    }
}
