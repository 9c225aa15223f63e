using System.Diagnostics;
using System.Globalization;

namespace Hass.Engine.Storage;

/// <summary>
/// Ownership of a store file: an OS lock on "&lt;store&gt;.lock" (released by the kernel when the process dies, even
/// by SIGKILL), exclusive for a writer and shared among readers, and the writer's PID in "&lt;store&gt;.lock.pid" for
/// the message. Readers write no PID: several may hold the store at once, and the first to finish would remove it.
/// Neither file is ever followed when it is a symbolic link: such a store is refused, and the PID file is
/// written to a new file and renamed into place, so a link put there in between is replaced, not written through.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private const int ReadOnlyFileSystem = 30; // EROFS: the HResult .NET gives an IOException on Linux
    private readonly FileStream? _lock;
    private readonly string? _pidFile;

    private StoreLock(FileStream? stream, string? pidFile)
    {
        _lock = stream;
        _pidFile = pidFile;
    }

    /// <summary>
    /// Takes the lock. A reader on a read-only file system where no lock file exists goes without one: nobody
    /// can write that store. A writer must be able to write its PID, so a full or read-only folder fails here,
    /// before the store is opened.
    /// </summary>
    public static StoreLock Acquire(string storePath, bool forWriting)
    {
        var lockPath = storePath + ".lock";
        var pidFile = lockPath + ".pid";
        StoreFile.RefuseLink(storePath, lockPath);
        StoreFile.RefuseLink(storePath, pidFile);
        FileStream stream;
        try
        {
            // Read access is enough for flock, and opens an existing lock file on a read-only file system too.
            // FileShare.None takes an exclusive flock, any other share a shared one.
            stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.Read, forWriting ? FileShare.None : FileShare.Read);
        }
        catch (IOException e) when (e.HResult == ReadOnlyFileSystem && !forWriting)
        {
            return new StoreLock(null, null);
        }
        catch (IOException e) when (File.Exists(lockPath) && e.HResult != ReadOnlyFileSystem)
        {
            throw InUse(storePath, ReadOwner(pidFile), forWriting);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"store {storePath} cannot be used: its lock file {lockPath} cannot be created ({e.Message}); check the folder's permissions and free space, or use another --store");
        }
        if (!forWriting) return new StoreLock(stream, null);
        try
        {
            WritePid(pidFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stream.Dispose();
            throw new StoreException($"store {storePath} cannot be written: {pidFile} cannot be written ({e.Message}); check the folder's permissions and free space, or use another --store");
        }
        return new StoreLock(stream, pidFile);
    }

    private static void WritePid(string pidFile)
    {
        var temporary = $"{pidFile}.{Environment.ProcessId}.tmp";
        try
        {
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            using (var writer = new StreamWriter(file))
                writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            File.Move(temporary, pidFile, overwrite: true);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { }
            throw;
        }
    }

    /// <summary>
    /// Who holds the lock: a live writer's PID names it. Without one, a writer was refused by readers (they write no
    /// PID), and a reader by a writer that is starting or exiting.
    /// </summary>
    private static StoreInUseException InUse(string storePath, string owner, bool forWriting)
    {
        if (int.TryParse(owner, out var pid) && IsAlive(pid))
            return new StoreInUseException(storePath, owner, $"store {storePath} is in use by PID {owner}; wait for it to finish, stop it, or use another --store");
        return forWriting
            ? new StoreInUseException(storePath, "?", $"store {storePath} is being read by another process (hass status, trials, report, export or dashboard); wait for it to finish, stop it, or use another --store")
            : new StoreInUseException(storePath, owner, $"store {storePath} is in use by PID {owner} (it may be exiting); wait for it to finish, stop it, or use another --store");
    }

    /// <summary>The PID written by the owner: a short number from a plain file, "?" for anything else.</summary>
    private static string ReadOwner(string pidFile)
    {
        try
        {
            var info = new FileInfo(pidFile);
            if (!info.Exists || info.LinkTarget is not null || info.Length > 32) return "?";
            var text = File.ReadAllText(pidFile).Trim();
            return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out _) ? text : "?";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "?";
        }
    }

    private static bool IsAlive(int pid)
    {
        try { using var p = Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    public void Dispose()
    {
        if (_pidFile is not null)
            try { File.Delete(_pidFile); } catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        _lock?.Dispose();
    }
}

public class StoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class StoreInUseException(string path, string ownerPid, string message) : StoreException(message)
{
    public string StorePath { get; } = path;
    public string OwnerPid { get; } = ownerPid;
}

public sealed class StoreSchemaException(string message) : StoreException(message);

/// <summary>The store file is damaged or is not a HASS store; it was not changed.</summary>
public sealed class StoreDamagedException(string message, Exception? inner = null) : StoreException(message, inner);
