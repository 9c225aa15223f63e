using System.Text.Json;

namespace Hass.Abstractions;

/// <summary>
/// One problem with a component's settings. <see cref="Key"/> is the path inside the settings object
/// ("gamma", "rays[2]"; empty for the object itself); the engine prefixes the campaign field path.
/// </summary>
public sealed record SettingProblem(string Key, string Message)
{
    public override string ToString() => Key.Length == 0 ? Message : $"{Key}: {Message}";
}

/// <summary>
/// A component that checks the settings a campaign gives it (strategy settings, pruning settings) when the
/// campaign is loaded, before anything is stored. A component without it gets its settings untouched at run
/// time, and a problem then surfaces only when the campaign starts.
/// </summary>
public interface ISettingsValidator
{
    /// <summary>Every problem of <paramref name="settings"/> (undefined = defaults); empty when they are valid.</summary>
    IReadOnlyList<SettingProblem> ValidateSettings(JsonElement settings);
}
