using System.Diagnostics;

namespace Hass.Engine.Storage;

/// <summary>
/// Exclusive ownership of a store file by one process: an OS lock on "&lt;store&gt;.lock" (released by the
/// kernel when the process dies, even by SIGKILL) and the owner's PID in "&lt;store&gt;.lock.pid" for the message.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _pidFile;

    private StoreLock(FileStream stream, string pidFile)
    {
        _lock = stream;
        _pidFile = pidFile;
    }

    public static StoreLock Acquire(string storePath)
    {
        var lockPath = storePath + ".lock";
        var pidFile = lockPath + ".pid";
        try
        {
            var stream = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            File.WriteAllText(pidFile, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return new StoreLock(stream, pidFile);
        }
        catch (IOException) when (File.Exists(lockPath))
        {
            var owner = File.Exists(pidFile) ? File.ReadAllText(pidFile).Trim() : "?";
            var alive = int.TryParse(owner, out var pid) && IsAlive(pid) ? "" : " (it may be exiting)";
            throw new StoreInUseException(storePath, owner,
                $"store {storePath} is in use by PID {owner}{alive}; wait for it to finish, stop it, or use another --store");
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException($"store {storePath}: cannot create its lock file ({e.Message}); check the folder's permissions");
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
        try { File.Delete(_pidFile); } catch (IOException) { }
        _lock.Dispose();
    }
}

public class StoreException(string message, Exception? inner = null) : Exception(message, inner);

public sealed class StoreInUseException(string path, string ownerPid, string message) : StoreException(message)
{
    public string StorePath { get; } = path;
    public string OwnerPid { get; } = ownerPid;
}

public sealed class StoreSchemaException(string message) : StoreException(message);
