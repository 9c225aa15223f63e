using System.Text.Json;
using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>The plugin.json of a plugin folder.</summary>
public sealed record PluginManifest
{
    public const string FileName = "plugin.json";
    public required string Name { get; init; }
    public required string Version { get; init; }
    public required string SdkVersion { get; init; }
    public required string EntryAssembly { get; init; }
    public string Description { get; init; } = "";

    /// <summary>Reads and checks <c>plugin.json</c> in <paramref name="folder"/>; throws <see cref="PluginLoadException"/> naming the problem.</summary>
    public static PluginManifest Read(string folder)
    {
        var path = Path.Combine(folder, FileName);
        if (!File.Exists(path))
            throw new PluginLoadException(folder, $"no {FileName} in the folder; add one with name, version, sdkVersion and entryAssembly (docs/formats.md)");
        PluginManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PluginManifest>(HassJson.ReadText(path), HassJson.Options);
        }
        catch (InputFileException e)
        {
            throw new PluginLoadException(folder, $"{FileName} {e.Problem}");
        }
        catch (JsonException e)
        {
            throw new PluginLoadException(folder, $"{FileName} is not valid: {e.Message}");
        }
        if (manifest is null) throw new PluginLoadException(folder, $"{FileName} is empty");
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(manifest.Name)) problems.Add("name must not be empty");
        if (!System.Version.TryParse(manifest.Version, out _)) problems.Add($"version '{manifest.Version}' is not a version like 1.0.0");
        if (!System.Version.TryParse(manifest.SdkVersion, out _)) problems.Add($"sdkVersion '{manifest.SdkVersion}' is not a version like 1.0.0");
        if (string.IsNullOrWhiteSpace(manifest.EntryAssembly) || manifest.EntryAssembly.IndexOfAny(['/', '\\']) >= 0
            || !manifest.EntryAssembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
            problems.Add("entryAssembly must name a .dll file inside the plugin folder");
        if (problems.Count > 0) throw new PluginLoadException(folder, $"{FileName}: {string.Join("; ", problems)}");
        return manifest;
    }
}

/// <summary>A plugin that could not be loaded: the folder and the cause, in one message.</summary>
public sealed class PluginLoadException(string folder, string cause, Exception? inner = null)
    : Exception($"plugin in '{folder}': {cause}", inner)
{
    public string Folder { get; } = folder;
    public string Cause { get; } = cause;
}
