namespace Hass.Search.Core;

/// <summary>The settings of a strategy that has none: any member given is refused as unknown.</summary>
public sealed record NoSettings;
