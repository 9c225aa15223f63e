using Hass.Abstractions;
using System.Collections.Concurrent;

namespace Hass.Board.Links;

/// <summary>
/// One lock per board address: a process-wide semaphore (two runners in one process) plus an exclusive lock
/// file under the temp folder (two processes). The file lock is advisory (flock on Unix): it is released when
/// the holder exits, even if it crashes.
/// </summary>
public sealed class BoardLock : IDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Locks = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _semaphore;
    private FileStream? _file;

    private BoardLock(SemaphoreSlim semaphore, FileStream file) { _semaphore = semaphore; _file = file; }

    public static string LockDirectory => Path.Combine(Path.GetTempPath(), "hass-board-locks");

    public static string LockFileFor(string key)
    {
        var safe = new string(key.Select(ch => char.IsLetterOrDigit(ch) || ch is '.' or '-' ? ch : '_').ToArray());
        return Path.Combine(LockDirectory, safe + ".lock");
    }

    /// <summary>Takes the lock of <paramref name="key"/> (a canonical address), waiting up to <paramref name="wait"/>.</summary>
    public static async Task<BoardLock> AcquireAsync(string key, TimeSpan wait, CancellationToken cancellationToken)
    {
        var semaphore = Locks.GetOrAdd(key, _ => new SemaphoreSlim(1, 1));
        if (!await semaphore.WaitAsync(wait, cancellationToken).ConfigureAwait(false))
            throw new BoardLinkException($"board {key} is in use by another runner in this process; wait for it to finish or use another board");
        try
        {
            Directory.CreateDirectory(LockDirectory);
            var path = LockFileFor(key);
            // The folder is shared under /tmp: a link planted there must not make us truncate its target.
            if (new FileInfo(path).LinkTarget is { } target)
                throw new BoardLinkException($"board lock file {path} is a symbolic link (to {target}); remove it — hass never writes through one");
            var deadline = DateTime.UtcNow + wait;
            while (true)
            {
                try
                {
                    var file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                    file.SetLength(0);
                    var owner = System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}\n");
                    file.Write(owner);
                    file.Flush();
                    return new BoardLock(semaphore, file);
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(50, cancellationToken).ConfigureAwait(false);
                }
                catch (IOException e)
                {
                    string holder = "";
                    try { holder = File.ReadAllText(path).Trim(); } catch (IOException) { }
                    throw new BoardLinkException($"board {key} is in use by another process ({(holder.Length > 0 ? holder : "lock file " + path)}); stop that process or use another board", e);
                }
            }
        }
        catch
        {
            semaphore.Release();
            throw;
        }
    }

    public void Dispose()
    {
        var file = Interlocked.Exchange(ref _file, null);
        if (file is null) return;
        file.Dispose();
        _semaphore.Release();
    }
}
