namespace Hass.Engine.Files;

/// <summary>Why a folder the user named cannot be read: it is a file, or there is nothing there.</summary>
public static class MissingFolder
{
    public static string Why(string path) => File.Exists(path) ? "is a file, not a folder" : "does not exist";
}
