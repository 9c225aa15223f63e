using LiteDB;
using LiteDB.Engine;

namespace Hass.Engine.Storage;

/// <summary>
/// A LiteDB connection that cannot write: the data file and its write-ahead log are handed to the engine as
/// streams opened for reading only. LiteDB's own read-only mode is not enough: when it meets a damaged page it
/// marks the data file as "invalid state" by writing a byte into its header, through a stream of its own, and
/// it cuts a partial last page off either file (what a full disk leaves: in the data file, a checkpoint the log
/// still holds; in the log, a transaction that was never committed), and a stream opened for reading cannot be cut.
/// Here both files show only their whole pages and nothing is written.
/// </summary>
internal sealed class ReadOnlyLiteDatabase : LiteDatabase
{
    private readonly Stream _data;
    private readonly Stream _log;

    private ReadOnlyLiteDatabase(LiteEngine engine, Stream data, Stream log) : base(engine)
    {
        (_data, _log) = (data, log);
    }

    public static ReadOnlyLiteDatabase Open(string path)
    {
        Stream? data = null, log = null;
        try
        {
            data = new WholePagesStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            var logPath = StoreFile.LogPath(path);
            // No log file: an empty one in memory (nothing is written to it in read-only mode anyway).
            log = File.Exists(logPath) ? new WholePagesStream(new FileStream(logPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite)) : new MemoryStream();
            return new ReadOnlyLiteDatabase(new LiteEngine(new EngineSettings { DataStream = data, LogStream = log, ReadOnly = true }), data, log);
        }
        catch
        {
            data?.Dispose();
            log?.Dispose();
            throw;
        }
    }

    protected override void Dispose(bool disposing)
    {
        try
        {
            base.Dispose(disposing);
        }
        finally
        {
            if (disposing)
            {
                _data.Dispose();
                _log.Dispose();
            }
        }
    }
}

/// <summary>A read-only view of a store file that ends at its last whole page.</summary>
internal sealed class WholePagesStream(FileStream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => true;
    public override bool CanWrite => false;
    public override long Length => inner.Length - inner.Length % StoreFile.PageSize;
    public override long Position { get => inner.Position; set => inner.Position = value; }

    public override int Read(byte[] buffer, int offset, int count) =>
        inner.Read(buffer, offset, (int)Math.Max(0, Math.Min(count, Length - inner.Position)));

    public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
    public override void Flush() { }
    public override void SetLength(long value) => throw new NotSupportedException("the store is open read-only");
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("the store is open read-only");

    protected override void Dispose(bool disposing)
    {
        if (disposing) inner.Dispose();
        base.Dispose(disposing);
    }
}
