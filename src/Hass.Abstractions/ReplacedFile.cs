using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Hass.Abstractions;

/// <summary>
/// Writes a file under a temporary name in its folder, then renames it over the path: a reader never sees half a
/// file, a symbolic link at the path is replaced rather than written through, and a write that fails leaves what was
/// there (the temporary file is removed again). A temporary file left by a writer that was killed (kill -9, power loss)
/// is removed by the next write of the same path on the same machine, once its writer's process is gone.
/// </summary>
public static class ReplacedFile
{
    /// <summary>
    /// Calls <paramref name="write"/> with the temporary path, then moves it to <paramref name="path"/> (the folder is
    /// created when missing). An <see cref="IOException"/> names <paramref name="path"/>, not the temporary file.
    /// </summary>
    public static void Write(string path, Action<string> write, CancellationToken cancellationToken = default) =>
        WriteAll([(path, write)], cancellationToken);

    /// <summary>
    /// Writes files that belong together (a network and the configuration that names it): every one to its temporary
    /// path first, and only when all succeeded each is moved over its path. A write that fails, for any reason, leaves
    /// every path as it was and no temporary file; so does a cancelled token, which is read before each file and
    /// before the moves (once they begin, they finish).
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, Action<string> Write)> files, CancellationToken cancellationToken = default)
    {
        var temporaries = new List<(string Temporary, string Full)>();
        try
        {
            foreach (var (path, write) in files)
            {
                var full = Path.GetFullPath(path);
                var folder = Path.GetDirectoryName(full)!;
                // Unique: two writers of one folder (even in one process) never share it.
                var temporary = Path.Combine(folder, $"{Prefix}{Environment.ProcessId}-{Guid.NewGuid():N}-{Path.GetFileName(full)}");
                temporaries.Add((temporary, full));
                cancellationToken.ThrowIfCancellationRequested();
                Directory.CreateDirectory(folder);
                RemoveLeftovers(folder, Path.GetFileName(full));
                write(temporary);
            }
            cancellationToken.ThrowIfCancellationRequested();
            foreach (var (temporary, full) in temporaries) File.Move(temporary, full, overwrite: true);
        }
        catch (Exception e)
        {
            foreach (var (temporary, _) in temporaries)
                try { File.Delete(temporary); } catch (Exception) { /* the folder cannot be written; nothing is there */ }
            if (e is IOException) throw new IOException(temporaries.Aggregate(e.Message, (m, t) => m.Replace(t.Temporary, t.Full, StringComparison.Ordinal)), e);
            throw;
        }
    }

    /// <summary>Temporary names carry this machine (so a folder shared with other machines is safe) and the writer's process.</summary>
    private static readonly string Prefix = $".tmp-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Environment.MachineName)))[..8]}-";

    /// <summary>Removes the temporary files of <paramref name="name"/> that a process of this machine left when it died mid-write.</summary>
    private static void RemoveLeftovers(string folder, string name)
    {
        var pattern = new Regex("^" + Regex.Escape(Prefix) + "([0-9]+)-[0-9a-f]{32}-" + Regex.Escape(name) + "$", RegexOptions.CultureInvariant);
        foreach (var file in Directory.EnumerateFiles(folder, Prefix + "*-" + name))
        {
            var match = pattern.Match(Path.GetFileName(file));
            if (!match.Success || !int.TryParse(match.Groups[1].Value, out var pid) || IsRunning(pid)) continue;
            try { File.Delete(file); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { /* left for a later write */ }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
