using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;

namespace Hass.Board.Conformance;

/// <summary>A check found the board breaking the protocol; the message says what it did instead.</summary>
public sealed class ConformanceFailure(string message) : Exception(message);

/// <summary>
/// The raw side of a conformance run: sends exactly the bytes a check asks for (no retries, no reconnection,
/// unlike <see cref="BoardSession"/>) and collects the frames the board sends back, so a check sees what the
/// board really did.
/// </summary>
public sealed class ConformanceLink(IBoardLink link, TimeSpan replyTimeout) : IAsyncDisposable
{
    private readonly FrameDecoder _decoder = new();
    private readonly List<DecodeResult> _pending = [];
    private readonly byte[] _buffer = new byte[16384];
    private ushort _sequence = (ushort)Random.Shared.Next(1, 65536);

    public TimeSpan ReplyTimeout { get; } = replyTimeout;
    /// <summary>Frames that arrived while waiting for another sequence number (a correct board sends none).</summary>
    public List<Frame> Stray { get; } = [];

    public static async Task<ConformanceLink> OpenAsync(string address, BoardLinks links, TimeSpan replyTimeout, CancellationToken cancellationToken)
    {
        var link = links.Create(address);
        try { await link.OpenAsync(cancellationToken).ConfigureAwait(false); }
        catch { await link.DisposeAsync().ConfigureAwait(false); throw; }
        return new ConformanceLink(link, replyTimeout);
    }

    public ushort NextSequence()
    {
        if (++_sequence == 0) _sequence = 1;
        return _sequence;
    }

    public Task SendRawAsync(byte[] bytes, CancellationToken cancellationToken) => link.WriteAsync(bytes, cancellationToken);

    /// <summary>Sends a request (new sequence number unless given) and returns its reply, or null when none came in time.</summary>
    public async Task<Frame?> ExchangeAsync(FrameType type, byte[] payload, CancellationToken cancellationToken, ushort? sequence = null)
    {
        ushort seq = sequence ?? NextSequence();
        await link.WriteAsync(FrameCodec.Encode(type, seq, payload), cancellationToken).ConfigureAwait(false);
        return await ReceiveAsync(seq, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Like <see cref="ExchangeAsync"/>, but re-sends the same frame while the board answers BUSY (at most a minute).</summary>
    public async Task<Frame> ExchangeUntilNotBusyAsync(FrameType type, byte[] payload, CancellationToken cancellationToken, ushort? sequence = null)
    {
        ushort seq = sequence ?? NextSequence();
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (true)
        {
            var reply = await ExchangeAsync(type, payload, cancellationToken, seq).ConfigureAwait(false)
                ?? throw new ConformanceFailure($"no reply to {type} within {ReplyTimeout.TotalSeconds:0.#} s");
            if (reply.Type != FrameType.Error || ErrorReply.Decode(reply.Payload).Code != ErrorCode.Busy) return reply;
            if (DateTime.UtcNow > deadline) throw new ConformanceFailure($"{type} stayed BUSY for a minute");
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The next reply carrying <paramref name="sequence"/>; null on timeout or when only a corrupt frame with it came.</summary>
    public async Task<Frame?> ReceiveAsync(ushort sequence, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + ReplyTimeout;
        while (true)
        {
            while (_pending.Count > 0)
            {
                var result = _pending[0];
                _pending.RemoveAt(0);
                if (result.IsCorrupt) { if (result.CorruptSequence == sequence) return null; continue; }
                if (result.Frame!.Sequence == sequence && result.Frame.IsReply) return result.Frame;
                Stray.Add(result.Frame);
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) return null;
            int n;
            try { n = await link.ReadAsync(_buffer, left, cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { return null; }
            if (n == 0) throw new ConformanceFailure("the board closed the connection");
            _decoder.Feed(_buffer.AsSpan(0, n), _pending);
        }
    }

    /// <summary>Forgets buffered input (after a check that may leave the board's answers behind).</summary>
    public void Discard()
    {
        link.DiscardInput();
        _decoder.Reset();
        _pending.Clear();
        Stray.Clear();
    }

    public ValueTask DisposeAsync() => link.DisposeAsync();
}
