using System.Text;
using Hass.Abstractions;

namespace Hass.Engine.Storage;

/// <summary>
/// What is at a store path, found without opening it for writing: nothing, or a LiteDB 5 data file. Anything
/// else (a folder, a device, a pipe, a short or foreign file) is refused before a lock file or LiteDB touches it,
/// so a mistyped --store never replaces somebody's file with an empty database.
/// </summary>
internal static class StoreFile
{
    /// <summary>LiteDB 5 page size; page 0 of a data file is the header.</summary>
    public const int PageSize = 8192;
    private const int SignatureOffset = 32;
    private static readonly byte[] Signature = Encoding.ASCII.GetBytes("** This is a LiteDB file **");
    private const byte FileVersion = 8;

    /// <summary>
    /// The path a store at <paramref name="path"/> is used at: a symbolic link's final target, so that its lock, PID
    /// and log files lie beside the file itself and every process using that file shares one lock, whichever link it
    /// came through. A link to nothing is refused: only a path where nothing is may become a new store.
    /// </summary>
    public static string Follow(string path)
    {
        var target = PathTarget.Of(path);
        if (target.Kind == PathKind.LinkToNothing) throw LinkToNothing(target);
        return target.Kind == PathKind.File ? target.FinalPath : path;
    }

    /// <summary>True when a LiteDB file is at <paramref name="path"/>, false when nothing is; throws otherwise.</summary>
    public static bool Inspect(string path)
    {
        var target = PathTarget.Of(path);
        switch (target.Kind)
        {
            case PathKind.Missing: return false;
            case PathKind.Folder: throw Unusable(path, "is a folder");
            case PathKind.LinkToNothing: throw LinkToNothing(target);
        }
        // Devices, pipes and sockets report no size, so they are refused here without being opened.
        // A length that is not a whole number of pages is no proof of damage: a checkpoint cut short by a full disk
        // leaves a partial page that the write-ahead log still holds; LiteDB's own reads judge the rest.
        if (target.Length < PageSize)
            throw Damaged(path, target.Length == 0 ? "is empty or not a regular file" : $"has {target.Length} bytes, fewer than a LiteDB header page ({PageSize})");
        var header = new byte[SignatureOffset + Signature.Length + 1];
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite))
            stream.ReadExactly(header);
        if (header[0] == 1) throw Damaged(path, "is an encrypted LiteDB file");
        if (!header.AsSpan(SignatureOffset, Signature.Length).SequenceEqual(Signature) || header[^1] != FileVersion)
            throw Damaged(path, "does not start with a LiteDB 5 header");
        return true;
    }

    /// <summary>Deletes a store file and its log; only for a store this process created and still holds the lock of.</summary>
    public static void Remove(string path)
    {
        File.Delete(path);
        File.Delete(LogPath(path));
    }

    /// <summary>LiteDB's write-ahead log next to the data file ("hass.db" → "hass-log.db").</summary>
    public static string LogPath(string path) =>
        Path.Combine(Path.GetDirectoryName(path) ?? "", Path.GetFileNameWithoutExtension(path) + "-log" + Path.GetExtension(path));

    /// <summary>Refuses a path that is a symbolic link: a lock, PID or log file is only ever a file of our own.</summary>
    public static void RefuseLink(string storePath, string path)
    {
        if (new FileInfo(path).LinkTarget is { } target)
            throw new StoreException($"store {storePath} cannot be used: {path} is a symbolic link (to {target}); remove the link — hass never writes through one");
    }

    private static StoreException LinkToNothing(PathTarget link) => new($"store {link.Path} {link.LinkToNothingProblem}, or give another --store");

    public static StoreException Unusable(string path, string what) =>
        new($"store {path} {what}, not a store file; give the path of a store file with --store");

    public static StoreException Damaged(string path, string what) =>
        new StoreDamagedException($"store {path} {what}: it is damaged or not a HASS store; it was not changed — move it away or use another --store");
}
