namespace Hass.Torch;

/// <summary>Where a folder on the way to a path would have to be, a file can stand instead; then nothing can be written there.</summary>
public static class FileInTheWay
{
    /// <summary>The first of the path itself and its parents that is a file, or null.</summary>
    public static string? Of(string path)
    {
        for (var dir = Path.GetFullPath(path); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            if (File.Exists(dir)) return dir;
            if (Directory.Exists(dir)) return null;
        }
        return null;
    }
}
