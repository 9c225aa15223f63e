using System.Reflection;

namespace Hass.Engine.Plugins;

/// <summary>
/// Where plugins come from, in order: the executable's plugins/ folder (built-in), the folders of the
/// configuration file, HASS_PLUGINS (path list), then --plugins. <see cref="NoBuiltIn"/> skips the first.
/// </summary>
public sealed record PluginSources
{
    public const string EnvironmentVariable = "HASS_PLUGINS";
    public string? BuiltInFolder { get; init; } = Path.Combine(AppContext.BaseDirectory, "plugins");
    public IReadOnlyList<string> ConfigFolders { get; init; } = [];
    public IReadOnlyList<string> CommandLineFolders { get; init; } = [];
    public bool NoBuiltIn { get; init; }
    /// <summary>Host assemblies whose IHassPlugin types register built-in components.</summary>
    public IReadOnlyList<Assembly> HostAssemblies { get; init; } = [];

    public static IReadOnlyList<string> FromEnvironment() =>
        (Environment.GetEnvironmentVariable(EnvironmentVariable) ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public PluginCatalog Load()
    {
        var catalog = new PluginCatalog();
        foreach (var assembly in HostAssemblies) catalog.AddHostAssembly(assembly);
        if (!NoBuiltIn && BuiltInFolder is not null) catalog.Scan(BuiltInFolder, required: false);
        foreach (var folder in ConfigFolders) catalog.Scan(folder);
        foreach (var folder in FromEnvironment()) catalog.Scan(folder);
        foreach (var folder in CommandLineFolders) catalog.Scan(folder);
        return catalog;
    }

}
