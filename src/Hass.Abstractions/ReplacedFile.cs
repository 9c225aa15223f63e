namespace Hass.Abstractions;

/// <summary>
/// Writes a file under a temporary name in its folder, then renames it over the path: a reader never sees half a
/// file, a symbolic link at the path is replaced rather than written through, and a write that fails leaves what was
/// there (the temporary file is removed again).
/// </summary>
public static class ReplacedFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with the temporary path, then moves it to <paramref name="path"/> (the folder is
    /// created when missing). An <see cref="IOException"/> names <paramref name="path"/>, not the temporary file.
    /// </summary>
    public static void Write(string path, Action<string> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        // Unique: two writers of one folder (even in one process) never share it.
        var temporary = Path.Combine(folder, $".tmp-{Guid.NewGuid():N}-{Path.GetFileName(full)}");
        try
        {
            Directory.CreateDirectory(folder);
            write(temporary);
            File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try { File.Delete(temporary); } catch (Exception) { /* the folder cannot be written; nothing is there */ }
            if (e is IOException) throw new IOException(e.Message.Replace(temporary, full, StringComparison.Ordinal), e);
            throw;
        }
    }
}
