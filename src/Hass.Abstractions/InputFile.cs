namespace Hass.Abstractions;

/// <summary>Reads a file hass was given as input, within a bound, refusing what is not a regular file.</summary>
public static class InputFile
{
    /// <summary>
    /// The bytes of a file of at most <paramref name="maxBytes"/>; a symbolic link reads as the file it leads to. An
    /// empty file, and anything that is not a regular file (a device, a pipe: they report no size, so they are never
    /// opened and cannot block), is refused, and so is a link to nothing and a larger file — also one that grows while
    /// it is read — with an <see cref="InputFileException"/> naming it.
    /// </summary>
    public static byte[] ReadBytes(string path, long maxBytes)
    {
        var target = PathTarget.Of(path);
        if (target.Kind == PathKind.Folder) throw new InputFileException(path, "is a folder, not a file");
        if (target.Kind == PathKind.Missing) throw new InputFileException(path, "not found");
        if (target.Kind == PathKind.LinkToNothing) throw new InputFileException(path, target.LinkToNothingProblem);
        if (target.Length == 0) throw new InputFileException(path, "is empty or not a regular file");
        if (target.Length > maxBytes) throw new InputFileException(path, $"is larger than {Size(maxBytes)} ({target.Length} bytes); a HASS file of this kind is at most that size");
        var buffer = new byte[target.Length + 1];
        int read = 0, n;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        if (read > target.Length) throw new InputFileException(path, "grew while it was read");
        return buffer[..read];
    }

    private static string Size(long bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB" : $"{bytes} bytes";
}
