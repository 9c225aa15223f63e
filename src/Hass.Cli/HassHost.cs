using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hass.Cli;

/// <summary>Where this invocation's store is (--store, $HASS_STORE, hass.json, or ./hass.db).</summary>
public sealed record StoreLocation(string Path)
{
    public HassStore Open(StoreAccess access) => HassStore.Open(Path, access);
}

/// <summary>
/// The composition root of one `hass` invocation: one generic host whose services are the loaded plugins'
/// components (<see cref="PluginCatalog"/>), the engine's services (<see cref="EngineServiceCollectionExtensions.AddHassEngine"/>),
/// the board library, the store location and `hass`'s console logging. Commands resolve what they need from it.
/// </summary>
internal static class HassHost
{
    public static IHost Build(CliContext context, PluginCatalog catalog, Action<IServiceCollection>? configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory(),
        });
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Information);
        builder.Logging.AddProvider(context.LoggerProvider);
        // The host's own lifecycle messages ("Hosting failed to start", …) would repeat the one error line hass prints.
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting", LogLevel.None);
        builder.Logging.AddFilter("Microsoft.Hosting", LogLevel.None);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddHassEngine(catalog);
        builder.Services.AddSingleton(_ => context.LoadBoards());
        builder.Services.AddSingleton(new StoreLocation(context.StorePath));
        configure?.Invoke(builder.Services);
        return builder.Build();
    }
}
