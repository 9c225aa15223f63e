using Hass.Abstractions;
using Hass.Board;
using Hass.Engine.Running;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Plugins;

public static class EngineServiceCollectionExtensions
{
    /// <summary>
    /// The engine's part of the composition root: the loaded plugins' services, the component catalog built from
    /// them, the board links registered as components, and the board measurer over those links.
    /// </summary>
    public static IServiceCollection AddHassEngine(this IServiceCollection services, PluginCatalog catalog)
    {
        catalog.AddTo(services);
        services.AddSingleton(catalog);
        services.AddSingleton<HassComponents>();
        services.AddBoardLinkRegistry();
        services.AddSingleton<IDesignMeasurer, BoardDesignMeasurer>();
        return services;
    }
}
