using LiteDB;

namespace Hass.Engine.Storage;

/// <summary>How a command uses the store: only `hass run` may create one, and only where no file exists.</summary>
public enum StoreAccess
{
    /// <summary>Read an existing store; it is opened read-only and never written.</summary>
    Read,
    /// <summary>Read and write an existing store.</summary>
    Write,
    /// <summary>Like <see cref="Write"/>, or create a new store where nothing is at the path.</summary>
    Create,
}

/// <summary>
/// Opens the LiteDB file of a store safely: the path is inspected before anything is created, an existing
/// store is opened read-only and verified in full (<see cref="StoreVerifier"/>) before it may be opened for
/// writing, and a damaged or foreign file is refused unchanged (no write-ahead log is left next to it).
/// </summary>
internal static partial class StoreOpener
{
    /// <summary>Some LiteDB messages keep their "{0}" placeholders unfilled; they are dropped from ours.</summary>
    [System.Text.RegularExpressions.GeneratedRegex(@"[:\s]*\{\d+\}(/\{\d+\})*")]
    private static partial System.Text.RegularExpressions.Regex UnfilledPlaceholders();

    /// <summary>Opens or creates the store; <c>Created</c> says this call made the file.</summary>
    public static (LiteDatabase Db, StoreLock Lock, bool Created) Open(string path, StoreAccess access)
    {
        var exists = StoreFile.Inspect(path);
        if (!exists && access != StoreAccess.Create)
            throw new StoreException($"store {path} does not exist; run a campaign first (hass run) or give --store");
        StoreFile.RefuseLink(path, StoreFile.LogPath(path));
        if (!exists) CreateFolder(path);
        var storeLock = StoreLock.Acquire(path, forWriting: access != StoreAccess.Read);
        try
        {
            // Inspected again under the lock: another process may have created the store in between.
            return StoreFile.Inspect(path) ? (OpenExisting(path, access), storeLock, false) : (Create(path), storeLock, true);
        }
        catch
        {
            storeLock.Dispose();
            throw;
        }
    }

    private static void CreateFolder(string path)
    {
        try { Directory.CreateDirectory(Path.GetDirectoryName(path)!); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StoreException($"store {path} cannot be created: its folder cannot be created ({e.Message}); use another --store");
        }
    }

    private static LiteDatabase OpenExisting(string path, StoreAccess access)
    {
        var readOnly = Guarded(path, () => Lite(path, readOnly: true));
        try
        {
            Guarded(path, () => StoreVerifier.Verify(readOnly, path));
        }
        catch
        {
            readOnly.Dispose();
            throw;
        }
        if (access == StoreAccess.Read) return readOnly;
        readOnly.Dispose();
        return Guarded(path, () => Lite(path, readOnly: false));
    }

    /// <summary>A new store: the data file and its schema version; on failure (full or read-only disk) nothing is left.</summary>
    private static LiteDatabase Create(string path)
    {
        LiteDatabase? db = null;
        try
        {
            db = Lite(path, readOnly: false);
            db.GetCollection("meta").Upsert(new BsonDocument
            {
                ["_id"] = "schema", ["version"] = HassStore.SchemaVersion,
                ["writtenBy"] = "hass " + typeof(HassStore).Assembly.GetName().Version?.ToString(3),
            });
            db.Checkpoint();
            return db;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException)
        {
            try { db?.Dispose(); } catch (Exception) { /* the disk already failed; the files are removed below */ }
            // Nothing was at the path when we took the lock, so these files are ours.
            StoreFile.Remove(path);
            throw new StoreException($"store {path} cannot be created ({e.Message}); check the folder's permissions and free space, or use another --store");
        }
    }

    private static LiteDatabase Lite(string path, bool readOnly) => readOnly
        ? ReadOnlyLiteDatabase.Open(path)
        : new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false });

    /// <summary>Runs a read of the store file; any failure but our own is a damaged store (or an unreadable one).</summary>
    public static T Guarded<T>(string path, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not EndOfStreamException)
        {
            throw new StoreException($"store {path} cannot be read ({e.Message}); check the file's permissions and the disk", e);
        }
        catch (Exception e) when (e is not StoreException and not OperationCanceledException and not OutOfMemoryException)
        {
            // LiteDB says what it found; other messages (JSON, casts) would name .NET types, so they are summarised.
            var found = e is LiteException ? UnfilledPlaceholders().Replace(e.Message, "").TrimEnd('.') : "a record cannot be read";
            throw new StoreDamagedException($"store {path} is damaged or not a HASS store ({found}); it was not changed — move it away or use another --store", e);
        }
    }

    public static void Guarded(string path, Action read) => Guarded(path, () => { read(); return 0; });
}
