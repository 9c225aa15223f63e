using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>Paths of the repository, the deployed test plugins and fixtures; temporary folders.</summary>
public static class TestEnvironment
{
    public static string RepoRoot => Hass.Testing.RepoPaths.RepoRoot;

    public static string TestPlugin(string name) => Hass.Testing.RepoPaths.TestPlugin(name);
    public static string FixtureBoards => Hass.Testing.RepoPaths.FixtureBoards;
    public static string SyntheticCampaign => Hass.Testing.RepoPaths.SyntheticCampaign;

    public static string TempDir() => Hass.Testing.TestFolders.Create();

    /// <summary>The synthetic plugin loaded through the real catalog, as a component registry.</summary>
    public static (ServiceProvider Provider, HassComponents Components) SyntheticComponents(Action<IServiceCollection>? extra = null)
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestPlugin("Synthetic"));
        if (catalog.Errors.Count > 0) throw new InvalidOperationException(catalog.Errors[0].Message);
        var provider = Provider(catalog, extra);
        return (provider, provider.GetRequiredService<HassComponents>());
    }

    /// <summary>The engine's services over <paramref name="catalog"/>, as the CLI's host registers them.</summary>
    public static ServiceProvider Provider(PluginCatalog catalog, Action<IServiceCollection>? extra = null)
    {
        var services = new ServiceCollection().AddHassEngine(catalog);
        extra?.Invoke(services);
        return services.BuildServiceProvider();
    }

    public static BoardLibrary Boards()
    {
        var lib = new BoardLibrary();
        lib.AddFolder(FixtureBoards);
        return lib;
    }
}
