namespace Hass.Cli;

/// <summary>
/// Writes the files of a report folder. Each file is written under a temporary name in the folder and renamed
/// over its final name, so a symbolic link put there is replaced rather than written through, and a folder
/// that cannot be written (read-only, full, a file in the way) is one plain message naming it (exit 2).
/// </summary>
public static class ReportFolder
{
    /// <summary>reports/&lt;campaign&gt;/ under the working directory; a name that would leave reports/ is refused.</summary>
    public static string Default(string campaign)
    {
        var root = Path.GetFullPath("reports");
        var folder = Path.GetFullPath(Path.Combine(root, campaign));
        if (campaign.Length == 0 || campaign[0] == '.' || campaign.IndexOfAny(['/', '\\']) >= 0 || Path.GetDirectoryName(folder) != root)
            throw new UsageException($"campaign name '{campaign}' cannot name a folder inside {root}; give the report folder with -o");
        return folder;
    }

    /// <summary>
    /// Writes the report's files as one (<see cref="Hass.Abstractions.ReplacedFile.WriteAll"/>): a file that cannot be written, or a
    /// cancelled token, leaves the folder's old report whole, never half old and half new.
    /// </summary>
    public static void Write(string folder, IReadOnlyList<(string Name, Action<string> Write)> files, CancellationToken cancellationToken = default)
    {
        try
        {
            Hass.Abstractions.ReplacedFile.WriteAll(files.Select(f => (Path.Combine(folder, f.Name), f.Write)).ToList(), cancellationToken);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot write the report into {folder} ({e.Message}); give a writable folder with -o");
        }
    }
}
