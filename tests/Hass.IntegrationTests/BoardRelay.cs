using System.Net;
using System.Net.Sockets;
using Hass.Board.Protocol;

namespace Hass.IntegrationTests;

/// <summary>
/// A loopback TCP relay between `hass` and a board (the emulator), for the tests that stop a board command: it
/// forwards both ways, decodes the host's requests so a test can wait for one (the first RUN, say), and can go
/// silent: from then on the board's bytes are dropped, as from a board that stopped answering. Without a board it is
/// a peer that accepts and never answers.
/// </summary>
public sealed class BoardRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly IPEndPoint? _board;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<FrameType> _requests = [];
    private readonly List<Socket> _sockets = [];
    private readonly Task _accepting;
    private volatile bool _silent;
    private volatile bool _hostClosed;

    private BoardRelay(IPEndPoint? board)
    {
        _board = board;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    /// <summary>A relay to the board at <paramref name="boardAddress"/> (tcp:HOST:PORT), or (null) a silent peer.</summary>
    public static BoardRelay Start(string? boardAddress)
    {
        if (boardAddress is null) return new BoardRelay(null);
        var hostPort = boardAddress["tcp:".Length..];
        int colon = hostPort.LastIndexOf(':');
        return new BoardRelay(new IPEndPoint(IPAddress.Parse(hostPort[..colon]), int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture)));
    }

    /// <summary>The address `hass` is given.</summary>
    public string Address => $"tcp:127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

    /// <summary>The request types the host sent so far, in order.</summary>
    public IReadOnlyList<FrameType> Requests { get { lock (_requests) return [.. _requests]; } }

    /// <summary>True once the host closed its side of the connection (end of stream, not a reset).</summary>
    public bool HostClosed => _hostClosed;

    /// <summary>From now on the board's replies are dropped.</summary>
    public void GoSilent() => _silent = true;

    /// <summary>Waits (bounded) until the host has sent <paramref name="count"/> requests that match <paramref name="match"/>.</summary>
    public bool WaitForRequests(Func<FrameType, bool> match, int count, TimeSpan timeout) =>
        Polling.Until(() => Requests.Count(match) >= count, timeout);

    /// <summary>Waits (bounded) until the host closed the connection.</summary>
    public bool WaitForHostClose(TimeSpan timeout) => Polling.Until(() => _hostClosed, timeout);

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var host = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_sockets) _sockets.Add(host);
                Socket? board = null;
                if (_board is not null)
                {
                    board = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    lock (_sockets) _sockets.Add(board);
                    await board.ConnectAsync(_board, _stop.Token);
                    _ = PumpAsync(board, host, fromHost: false);
                }
                _ = PumpAsync(host, board, fromHost: true);
            }
        }
        catch (OperationCanceledException) { }
        catch (SocketException) { }
    }

    private async Task PumpAsync(Socket from, Socket? to, bool fromHost)
    {
        var buffer = new byte[65536];
        var decoder = new FrameDecoder();
        var decoded = new List<DecodeResult>();
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                if (fromHost) Record(decoder, buffer.AsSpan(0, n), decoded);
                if (to is not null && (fromHost || !_silent)) await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }
            if (fromHost) _hostClosed = true;
            to?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException) { }
    }

    private void Record(FrameDecoder decoder, ReadOnlySpan<byte> data, List<DecodeResult> decoded)
    {
        decoder.Feed(data, decoded);
        lock (_requests) _requests.AddRange(decoded.Where(d => d.Frame is { IsReply: false }).Select(d => d.Frame!.Type));
        decoded.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        lock (_sockets) foreach (var socket in _sockets) socket.Dispose();
        _stop.Dispose();
    }
}
