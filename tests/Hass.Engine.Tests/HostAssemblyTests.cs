using Hass.Abstractions;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>An IHassPlugin inside a host assembly (as Hass.Torch registers the torch evaluator).</summary>
public sealed class HostSidePlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new HostSideStrategyFactory());

    private sealed class HostSideStrategyFactory : ISearchStrategyFactory
    {
        public string Name => "host-side";
        public string Description => "registered by a host assembly";
        public ISearchStrategy Create() => throw new NotSupportedException();
    }
}

public class HostAssemblyTests
{
    [Fact]
    public void Host_assembly_plugins_register_as_built_in_plugins()
    {
        var catalog = new PluginCatalog();
        catalog.AddHostAssembly(typeof(HostSidePlugin).Assembly);
        catalog.LoadFolder(TestEnvironment.TestPlugin("Synthetic"));
        Assert.Empty(catalog.Errors);
        var host = catalog.Plugins.Single(p => p.Folder == "host:Hass.Engine.Tests");
        Assert.Equal("Hass.Engine.Tests", host.Manifest.Name);
        Assert.Contains(host.Components, c => c.Name == "host-side" && c.Kind == ComponentKind.Search);
        using var provider = TestEnvironment.Provider(catalog);
        Assert.Equal("host-side", provider.GetRequiredService<HassComponents>().Strategy("host-side").Name);
    }
}
