namespace Hass.Torch.Commands;

/// <summary>
/// Whether a folder takes new files, found by making one and removing it again: permissions, a read-only file system
/// and a full disk all show, where reading the mode bits would miss the last two (and misjudge root).
/// </summary>
public static class WritableFolder
{
    /// <summary>Null when a file can be made in the folder (or in the nearest existing folder above it); else why not.</summary>
    public static string? Problem(string folder)
    {
        var existing = Path.GetFullPath(folder);
        while (!Directory.Exists(existing)) existing = Path.GetDirectoryName(existing) ?? existing;
        var probe = Path.Combine(existing, $".hass-write-check-{Guid.NewGuid():N}");
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return "permission denied";
        }
        catch (IOException e)
        {
            return e.Message.Replace($" : '{probe}'", "", StringComparison.Ordinal).Replace(probe, existing, StringComparison.Ordinal);
        }
    }
}
