using Hass.Abstractions;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

public class PluginCatalogTests
{
    [Fact]
    public void Synthetic_plugin_loads_and_registers_its_components()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("Synthetic"));
        Assert.Empty(catalog.Errors);
        var plugin = Assert.Single(catalog.Plugins);
        Assert.Equal("Hass.TestPlugins.Synthetic", plugin.Manifest.Name);
        var names = catalog.Components.Select(c => (c.Kind, c.Name)).ToHashSet();
        Assert.Contains((ComponentKind.Backend, "toy"), names);
        Assert.Contains((ComponentKind.Search, "seeded-random"), names);
        Assert.Contains((ComponentKind.Evaluator, "synthetic"), names);
        Assert.All(catalog.Components, c => Assert.Equal("Hass.TestPlugins.Synthetic", c.Plugin));

        using var provider = TestEnvironment.Provider(catalog);
        var components = provider.GetRequiredService<HassComponents>();
        Assert.Equal("toy", components.Backend("toy").Name);
        Assert.NotNull(components.FindEvaluatorFactory("synthetic-cnn"));
    }

    [Fact]
    public void Missing_entry_type_gives_one_error_naming_folder_and_cause()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("NoEntry"));
        var error = Assert.Single(catalog.Errors);
        Assert.Contains("Hass.TestPlugins.NoEntry", error.Message);
        Assert.Contains("no public class implementing IHassPlugin", error.Message);
        Assert.Empty(catalog.Plugins);
    }

    [Fact]
    public void A_plugin_folder_that_is_a_file_says_so()
    {
        var file = Path.Combine(TestEnvironment.TempDir(), "plugins");
        File.WriteAllText(file, "");
        var catalog = new PluginCatalog();
        catalog.Scan(file);
        Assert.Equal($"plugin folder '{file}' is a file, not a folder; check --plugins / HASS_PLUGINS", Assert.Single(catalog.Errors).Message);
    }

    [Fact]
    public void ConfigureServices_that_throws_gives_one_error()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("Throws"));
        var error = Assert.Single(catalog.Errors);
        Assert.Contains("Hass.TestPlugins.Throws", error.Message);
        Assert.Contains("ConfigureServices threw InvalidOperationException: the test plugin refuses to configure", error.Message);
    }

    [Fact]
    public void Sdk_major_mismatch_is_refused()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("FutureSdk"));
        var error = Assert.Single(catalog.Errors);
        Assert.Contains("Hass.TestPlugins.FutureSdk", error.Message);
        Assert.Contains("built against SDK 2.0.0 but this host provides SDK 1.1.0", error.Message);
    }

    [Fact]
    public void Duplicate_component_names_both_folders_and_the_first_plugin_still_loads()
    {
        var catalog = new PluginCatalog();
        catalog.LoadFolder(TestEnvironment.TestPlugin("Synthetic"));
        catalog.LoadFolder(TestEnvironment.TestPlugin("Duplicate"));
        var error = Assert.Single(catalog.Errors);
        Assert.Contains("Hass.TestPlugins.Duplicate", error.Message);
        Assert.Contains("backend component 'toy' is already registered by the plugin in", error.Message);
        Assert.Contains("Hass.TestPlugins.Synthetic", error.Message);
        Assert.Single(catalog.Plugins);
    }

    [Fact]
    public void Broken_assembly_gives_one_error()
    {
        var dir = TestEnvironment.TempDir();
        var folder = Path.Combine(dir, "Broken");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "Broken.dll"), "this is not a PE file");
        File.WriteAllText(Path.Combine(folder, "plugin.json"), """{"name":"Broken","version":"1.0.0","sdkVersion":"1.0.0","entryAssembly":"Broken.dll"}""");
        var catalog = new PluginCatalog();
        catalog.LoadFolder(folder);
        var error = Assert.Single(catalog.Errors);
        Assert.Contains(folder, error.Message);
        Assert.Contains("is not a valid .NET assembly", error.Message);
    }

    [Theory]
    [InlineData(null, "no plugin.json in the folder")]
    [InlineData("{ not json", "plugin.json is not valid")]
    [InlineData("""{"name":"X","version":"1.0.0","sdkVersion":"1.0.0"}""", "plugin.json is not valid")]
    [InlineData("""{"name":"X","version":"one","sdkVersion":"1.0.0","entryAssembly":"X.dll"}""", "version 'one' is not a version")]
    [InlineData("""{"name":"X","version":"1.0.0","sdkVersion":"1.0.0","entryAssembly":"Missing.dll"}""", "entry assembly 'Missing.dll' named in plugin.json is not in the folder")]
    public void Bad_or_missing_manifest_gives_one_error(string? manifest, string expected)
    {
        var folder = Path.Combine(TestEnvironment.TempDir(), "P");
        Directory.CreateDirectory(folder);
        if (manifest is not null) File.WriteAllText(Path.Combine(folder, "plugin.json"), manifest);
        var catalog = new PluginCatalog();
        catalog.LoadFolder(folder);
        var error = Assert.Single(catalog.Errors);
        Assert.Contains(folder, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Scanning_a_folder_loads_the_good_plugins_and_reports_each_bad_one()
    {
        var root = TestEnvironment.TempDir();
        foreach (var name in new[] { "Synthetic", "NoEntry", "Throws", "FutureSdk", "Duplicate" })
            CopyDirectory(TestEnvironment.TestPlugin(name), Path.Combine(root, "Hass.TestPlugins." + name));
        var catalog = new PluginCatalog();
        catalog.Scan(root);
        // Duplicate sorts before Synthetic, so Duplicate loads and Synthetic is the one refused for 'toy'.
        Assert.Equal(4, catalog.Errors.Count);
        Assert.Single(catalog.Plugins);
        Assert.Equal(4, catalog.Errors.Select(e => e.Folder).Distinct().Count());
    }

    [Fact]
    public void Missing_named_folder_is_an_error_but_missing_builtin_folder_is_not()
    {
        var catalog = new PluginCatalog();
        catalog.Scan("/nonexistent/hass-plugins", required: true);
        Assert.Contains("does not exist", Assert.Single(catalog.Errors).Message);
        var quiet = new PluginCatalog();
        quiet.Scan("/nonexistent/hass-plugins", required: false);
        Assert.Empty(quiet.Errors);
    }

    internal static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var f in Directory.GetFiles(from)) File.Copy(f, Path.Combine(to, Path.GetFileName(f)), overwrite: true);
        foreach (var d in Directory.GetDirectories(from)) CopyDirectory(d, Path.Combine(to, Path.GetFileName(d)));
    }
}
