using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

/// <summary>A valid plugin whose plugin.json claims SDK 2.0.0: the host (SDK 1.x) must refuse it.</summary>
public sealed class FuturePlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new FutureStrategyFactory());

    private sealed class FutureStrategyFactory : ISearchStrategyFactory
    {
        public string Name => "future";
        public string Description => "never loaded";
        public ISearchStrategy Create() => throw new NotSupportedException();
    }
}
