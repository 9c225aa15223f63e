using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;

namespace Hass.Board;

/// <summary>The board answered with an error (or an answer that breaks the protocol).</summary>
public sealed class BoardException(string message, ErrorCode code = ErrorCode.None, Exception? inner = null) : Exception(message, inner)
{
    public ErrorCode Code { get; } = code;
}

/// <summary>Timeouts and retry budgets of a board session (PROTOCOL.md §7).</summary>
public sealed record BoardClientOptions
{
    /// <summary>How long to wait for the reply to one request attempt.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(1);
    /// <summary>Attempts of one request (same sequence number) before it fails.</summary>
    public int AttemptsPerRequest { get; init; } = 8;
    /// <summary>Retries (re-sends and reconnects) allowed over the whole session; a session past it fails.</summary>
    public int RetryBudget { get; init; } = 200;
    /// <summary>Wait between reconnection attempts.</summary>
    public TimeSpan ReconnectDelay { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Wait after a BUSY error before trying again.</summary>
    public TimeSpan BusyDelay { get; init; } = TimeSpan.FromMilliseconds(100);
    /// <summary>Longest one request may keep getting BUSY (e.g. a commit being verified) before it fails.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How long opening a link waits for the board's lock (held by another runner or process).</summary>
    public TimeSpan LockWait { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>How long a cancelled run waits for the RESET_DONE of the RESET that aborts it (one attempt).</summary>
    public TimeSpan AbortTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
}

/// <summary>
/// One host-side conversation with a board: sequence numbers, timeouts, idempotent re-sends (same sequence
/// number, so the board replays its cached reply), resynchronisation after corrupt frames, reconnection after
/// a lost link (followed by HELLO), and a retry budget after which it fails with a clear error.
/// </summary>
public sealed class BoardSession : IAsyncDisposable
{
    private readonly BoardLinks _links;
    private readonly FrameDecoder _decoder = new();
    private readonly List<DecodeResult> _decoded = [];
    private readonly byte[] _readBuffer = new byte[16384];
    private readonly SemaphoreSlim _requestGate = new(1, 1);
    private IBoardLink? _link;
    private ushort _nextSequence;

    /// <summary>A session with the board at <paramref name="address"/>, over the link <paramref name="links"/> has for its scheme.</summary>
    public BoardSession(string address, BoardLinks links, BoardClientOptions? options = null)
    {
        _links = links;
        Address = links.Canonical(address);
        Options = options ?? new BoardClientOptions();
        _nextSequence = (ushort)Random.Shared.Next(1, 65536);
    }

    public string Address { get; }
    public BoardClientOptions Options { get; }
    public BoardInfo? Info { get; private set; }
    public int RetriesUsed { get; private set; }
    private readonly List<string> _retryLog = [];
    /// <summary>Why each retry happened (request type and problem), oldest first; at most 1000 entries.</summary>
    public IReadOnlyList<string> RetryLog => _retryLog;
    public int Reconnects { get; private set; }
    /// <summary>Attempts the last request needed (1 = first try).</summary>
    public int LastAttempts { get; private set; }
    /// <summary>Raised when a reconnect found a board with a new boot id (it rebooted: its RAM state is gone).</summary>
    public event Action<BoardInfo>? Rebooted;

    public async Task<BoardInfo> ConnectAsync(CancellationToken cancellationToken)
    {
        await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
        return Info!;
    }

    private async Task EnsureConnectedAsync(CancellationToken cancellationToken)
    {
        if (_link is { IsOpen: true } && Info is not null) return;
        await CloseLinkAsync().ConfigureAwait(false);
        var link = _links.Create(Address);
        if (link is BufferedLink buffered) buffered.LockWait = Options.LockWait;
        try
        {
            await link.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        _link = link;
        _decoder.Reset();
        var previous = Info;
        var reply = await ExchangeAsync(FrameType.Hello, new HelloRequest(FrameCodec.Version, Environment.MachineName).Encode(), FrameType.Info, cancellationToken, isHello: true).ConfigureAwait(false);
        BoardInfo info;
        try { info = BoardInfo.Decode(reply.Payload); }
        catch (ProtocolException e)
        {
            throw new BoardException($"board at {Address} answered HELLO with a malformed INFO ({e.Message}); the firmware does not follow protocol v{FrameCodec.Version}");
        }
        if (info.ProtocolVersion != FrameCodec.Version)
            throw new BoardException($"board at {Address} speaks protocol version {info.ProtocolVersion}; this host speaks {FrameCodec.Version}: update the firmware or HASS.Engine", ErrorCode.UnsupportedVersion);
        Info = info;
        if (previous is not null && previous.BootId != info.BootId) Rebooted?.Invoke(info);
    }

    private async Task CloseLinkAsync()
    {
        var link = _link;
        _link = null;
        if (link is not null) await link.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Sends one request and returns its reply of type <paramref name="expected"/>; board errors throw <see cref="BoardException"/>.</summary>
    /// <param name="attempts">Attempts for this request (default <see cref="BoardClientOptions.AttemptsPerRequest"/>).</param>
    public async Task<Frame> RequestAsync(FrameType type, byte[] payload, FrameType expected, CancellationToken cancellationToken, TimeSpan? timeout = null, int? attempts = null)
    {
        await _requestGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ExchangeAsync(type, payload, expected, cancellationToken, isHello: false, timeout, attempts).ConfigureAwait(false);
        }
        finally
        {
            _requestGate.Release();
        }
    }

    /// <summary>
    /// Best effort after a cancelled run: one RESET 0 (abort the run in progress, PROTOCOL.md §4.3) over the link
    /// still open, a single attempt of at most <see cref="BoardClientOptions.AbortTimeout"/>, no reconnect. False when
    /// it was not sent or not answered (the board then finishes the run by itself; the next session's RUN waits while
    /// it answers BUSY).
    /// </summary>
    public async Task<bool> TryAbortRunAsync()
    {
        if (_link is not { IsOpen: true } || Info is null) return false;
        using var limit = new CancellationTokenSource(Options.AbortTimeout);
        try
        {
            await RequestAsync(FrameType.Reset, new ResetRequest(false).Encode(), FrameType.ResetDone, limit.Token, Options.AbortTimeout, attempts: 1).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is OperationCanceledException or BoardException or BoardLinkException or ProtocolException or IOException)
        {
            return false;
        }
    }

    /// <summary>Ends the exchange when its attempts or the session's retry budget are used up; otherwise logs the retry.</summary>
    private void CountRetry(FrameType type, int attempt, int maxAttempts, string lastProblem)
    {
        if (attempt > maxAttempts)
            throw new BoardException($"board at {Address} did not answer {type} after {maxAttempts} attempts: {lastProblem}", ErrorCode.None, new TimeoutException(lastProblem));
        if (_retryLog.Count < 1000) _retryLog.Add($"{type}: {lastProblem}");
        if (++RetriesUsed > Options.RetryBudget)
            throw new BoardException($"board at {Address}: retry budget of {Options.RetryBudget} exhausted (last: {type}, {lastProblem}); check the cable, baud rate and board");
    }

    /// <summary>BUSY is an answer, not a failure: wait and ask again without using the retry budget, up to the busy timeout.</summary>
    private async Task WaitWhileBusyAsync(FrameType type, ErrorReply error, DateTime busySince, CancellationToken cancellationToken)
    {
        if (DateTime.UtcNow - busySince > Options.BusyTimeout)
            throw new BoardException($"board at {Address} stayed busy for {Options.BusyTimeout.TotalSeconds:0} s answering {type}: {error.Message}", ErrorCode.Busy);
        await Task.Delay(Options.BusyDelay, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Frame> ExchangeAsync(FrameType type, byte[] payload, FrameType expected, CancellationToken cancellationToken, bool isHello, TimeSpan? timeout = null, int? attempts = null)
    {
        int maxAttempts = attempts ?? Options.AttemptsPerRequest;
        ushort sequence = _nextSequence++;
        if (_nextSequence == 0) _nextSequence = 1;
        var frame = FrameCodec.Encode(type, sequence, payload);
        string lastProblem = "";
        DateTime? busySince = null;
        _heardDuringRequest = false;
        for (int attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            LastAttempts = attempt;
            if (attempt > 1) CountRetry(type, attempt, maxAttempts, lastProblem);
            try
            {
                if (!isHello) await EnsureConnectedAsync(cancellationToken).ConfigureAwait(false);
                var link = _link ?? throw new BoardLinkException($"link {Address} is not open");
                await link.WriteAsync(frame, cancellationToken).ConfigureAwait(false);
                var reply = await AwaitReplyAsync(link, sequence, timeout ?? Options.ReplyTimeout, cancellationToken).ConfigureAwait(false);
                if (reply is null) { lastProblem = "the reply was corrupt"; continue; }
                if (reply.Type == FrameType.Error)
                {
                    var error = ErrorReply.Decode(reply.Payload);
                    if (error.Code == ErrorCode.BadFrame) { lastProblem = "the board received a corrupt frame"; continue; }
                    if (error.Code == ErrorCode.Busy)
                    {
                        busySince ??= DateTime.UtcNow;
                        await WaitWhileBusyAsync(type, error, busySince.Value, cancellationToken).ConfigureAwait(false);
                        attempt--;
                        continue;
                    }
                    throw new BoardException($"board at {Address} refused {type}: {error.Code}: {error.Message}", error.Code);
                }
                if (reply.Type != expected)
                    throw new BoardException($"board at {Address} answered {type} with {reply.Type} instead of {expected}; the firmware does not follow protocol v{FrameCodec.Version}");
                return reply;
            }
            catch (TimeoutException e)
            {
                lastProblem = e.Message;
                _link?.DiscardInput();
                _decoder.Reset();
            }
            catch (ProtocolException e)
            {
                lastProblem = "malformed reply: " + e.Message;
            }
            catch (Exception e) when (e is BoardLinkException or IOException or EndOfStreamException)
            {
                lastProblem = e.Message;
                if (isHello) throw new BoardLinkException($"link to {Address} lost during HELLO: {e.Message}", e);
                await CloseLinkAsync().ConfigureAwait(false);
                Reconnects++;
                await Task.Delay(Options.ReconnectDelay, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Reads until the reply to <paramref name="sequence"/> arrives; null when a corrupt reply to it was seen.</summary>
    private async Task<Frame?> AwaitReplyAsync(IBoardLink link, ushort sequence, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            foreach (var result in _decoded)
            {
                if (result.IsCorrupt)
                {
                    if (result.CorruptSequence == sequence) { _decoded.Clear(); return null; }
                    continue;
                }
                var f = result.Frame!;
                if (f.Sequence == sequence && f.IsReply) { _decoded.Clear(); return f; }
            }
            _decoded.Clear();
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw NoReply(timeout);
            int n;
            // The link times out on what is left of the reply's time; the message gives the reply's whole time.
            try { n = await link.ReadAsync(_readBuffer, left, cancellationToken).ConfigureAwait(false); }
            catch (TimeoutException) { throw NoReply(timeout); }
            if (n == 0) throw new BoardLinkException($"board at {Address} closed the connection");
            _heardDuringRequest = true;
            _decoder.Feed(_readBuffer.AsSpan(0, n), _decoded);
        }
    }

    /// <summary>
    /// Whether the peer sent anything since the request's first attempt. Counted over all attempts, not only the last: input is
    /// discarded between attempts, and on a loaded host a peer that talks all along can miss one attempt's window.
    /// </summary>
    private bool _heardDuringRequest;

    private TimeoutException NoReply(TimeSpan timeout) => new(_heardDuringRequest
        ? $"no reply from {Address} within {timeout.TotalMilliseconds:0} ms (it sent data, but no reply to this request: check the baud rate and that a HASS board is on the link)"
        : $"no reply from {Address} within {timeout.TotalMilliseconds:0} ms");

    public async ValueTask DisposeAsync() => await CloseLinkAsync().ConfigureAwait(false);
}
