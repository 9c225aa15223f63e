namespace Hass.Engine.Campaigns;

/// <summary>Public access to the duration syntax of campaign files, for command-line overrides.</summary>
public static class JsonFieldReaderAccess
{
    public static TimeSpan? ParseDuration(string text) => JsonFieldReader.ParseDuration(text);
}
