using Hass.Abstractions;

namespace Hass.Board.Links;

/// <summary>
/// Common part of the links: a dedicated reader (thread or task) pushes received bytes into a queue;
/// <see cref="ReadAsync"/> takes from it with a timeout. ReadAsync throws <see cref="TimeoutException"/> when no
/// byte arrives in time, returns 0 when the peer closed the link, and throws <see cref="BoardLinkException"/>
/// when the device vanished or failed.
/// </summary>
public abstract class BufferedLink : IBoardLink
{
    private readonly Queue<byte[]> _received = new();
    private readonly SemaphoreSlim _signal = new(0, int.MaxValue);
    private readonly object _gate = new();
    private byte[]? _current;
    private int _currentOffset;
    private bool _closedByPeer;
    private Exception? _fault;
    private BoardLock? _lock;

    protected BufferedLink(string address) => Address = address;

    public string Address { get; }
    public abstract bool IsOpen { get; }
    /// <summary>How long <see cref="OpenAsync"/> waits for the board's lock.</summary>
    public TimeSpan LockWait { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>False for the board side of a link (the emulator), which needs no host lock.</summary>
    public bool TakeLock { get; init; } = true;

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        if (IsOpen) return;
        lock (_gate) { _received.Clear(); _current = null; _closedByPeer = false; _fault = null; }
        if (TakeLock && _lock is null) _lock = await BoardLock.AcquireAsync(Address, LockWait, cancellationToken).ConfigureAwait(false);
        try
        {
            await OpenCoreAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            ReleaseLock();
            throw;
        }
    }

    protected abstract Task OpenCoreAsync(CancellationToken cancellationToken);

    public abstract Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Called by the reader with bytes it received (the array is owned by the queue afterwards).</summary>
    protected void OnReceived(byte[] data)
    {
        lock (_gate) _received.Enqueue(data);
        _signal.Release();
    }

    protected void OnClosedByPeer()
    {
        lock (_gate) _closedByPeer = true;
        _signal.Release();
    }

    protected void OnFault(Exception fault)
    {
        lock (_gate) _fault ??= fault;
        _signal.Release();
    }

    public async Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            lock (_gate)
            {
                if (_current is null && _received.Count > 0) { _current = _received.Dequeue(); _currentOffset = 0; }
                if (_current is not null)
                {
                    int n = Math.Min(buffer.Length, _current.Length - _currentOffset);
                    _current.AsSpan(_currentOffset, n).CopyTo(buffer.Span);
                    _currentOffset += n;
                    if (_currentOffset == _current.Length) _current = null;
                    return n;
                }
                if (_fault is not null) throw new BoardLinkException($"link {Address} failed: {_fault.Message}", _fault);
                if (_closedByPeer) return 0;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || !await _signal.WaitAsync(left, cancellationToken).ConfigureAwait(false))
                throw new TimeoutException($"no data from {Address} within {timeout.TotalMilliseconds:0} ms");
        }
    }

    public void DiscardInput()
    {
        lock (_gate) { _received.Clear(); _current = null; }
    }

    protected abstract ValueTask CloseCoreAsync();

    private void ReleaseLock()
    {
        _lock?.Dispose();
        _lock = null;
    }

    public async ValueTask DisposeAsync()
    {
        try { await CloseCoreAsync().ConfigureAwait(false); }
        finally { ReleaseLock(); }
        GC.SuppressFinalize(this);
    }
}
