namespace Hass.Abstractions;

/// <summary>What is at a path once its symbolic links are followed.</summary>
public enum PathKind
{
    /// <summary>Nothing: the path does not exist.</summary>
    Missing,
    /// <summary>A symbolic link (or a chain of them) that leads to nothing, or loops.</summary>
    LinkToNothing,
    Folder,
    /// <summary>A regular file, or something that is not one (a device, a pipe, a socket: <see cref="PathTarget.Length"/> 0).</summary>
    File,
}

/// <summary>
/// A path with its symbolic links followed, as opening it finds it. <see cref="FileInfo"/> describes a link itself
/// (its length is that of the target's name), so every size check on an input or store file goes through this.
/// </summary>
/// <param name="Path">The path as given.</param>
/// <param name="Kind">What it leads to.</param>
/// <param name="FinalPath">The full path of the file it leads to (the path itself when it is no link).</param>
/// <param name="Length">Bytes of the regular file it leads to; 0 for an empty file and for anything else (devices and pipes report no size).</param>
/// <param name="LinkTarget">The link's own target as written, when the path is a symbolic link.</param>
public sealed record PathTarget(string Path, PathKind Kind, string FinalPath, long Length, string? LinkTarget)
{
    public static PathTarget Of(string path)
    {
        var info = new FileInfo(path);
        var full = info.FullName;
        if (Directory.Exists(path)) return new(path, PathKind.Folder, full, 0, info.LinkTarget);
        if (info.LinkTarget is not { } link) return info.Exists ? new(path, PathKind.File, full, info.Length, null) : new(path, PathKind.Missing, full, 0, null);
        FileSystemInfo? final;
        try { final = info.ResolveLinkTarget(returnFinalTarget: true); }
        catch (IOException) { final = null; } // a loop of links
        if (final is FileInfo { Exists: true } file) return new(path, PathKind.File, file.FullName, file.Length, link);
        // A link of /proc (e.g. /dev/stdin → /proc/self/fd/0 → "pipe:[…]") names no path, yet the pipe behind it is there.
        return LeadsSomewhere(path) ? new(path, PathKind.File, full, 0, link) : new(path, PathKind.LinkToNothing, full, 0, link);
    }

    /// <summary>True when following the links of <paramref name="path"/> reaches something (stat succeeds).</summary>
    private static bool LeadsSomewhere(string path)
    {
        if (OperatingSystem.IsWindows()) return false;
        try
        {
            File.GetUnixFileMode(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>"is a symbolic link to X, which leads to no file" — for messages about a <see cref="PathKind.LinkToNothing"/>.</summary>
    public string LinkToNothingProblem => $"is a symbolic link to {LinkTarget}, which leads to no file; fix or remove the link";
}
