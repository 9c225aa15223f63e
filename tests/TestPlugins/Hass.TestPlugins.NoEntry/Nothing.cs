namespace Hass.TestPlugins;

/// <summary>A public type that is not a plugin entry: the catalog must say the entry type is missing.</summary>
public sealed class NotAPlugin
{
    public string Name => "not-a-plugin";
}
