using System.Net.Sockets;
using Hass.Abstractions;

namespace Hass.Board.Links;

/// <summary>A board reached over TCP (<c>tcp:host:port</c>); a background task reads the socket.</summary>
public sealed class TcpLink : BufferedLink
{
    private readonly string _host;
    private readonly int _port;
    private Socket? _socket;
    private Task? _reader;
    private readonly CancellationTokenSource _stop = new();

    public TcpLink(string host, int port) : base($"tcp:{host}:{port}") { _host = host; _port = port; }

    /// <summary>Wraps a socket already connected (the board side of an accepted connection); takes no lock.</summary>
    public static TcpLink FromConnected(Socket socket)
    {
        var endpoint = socket.RemoteEndPoint as System.Net.IPEndPoint;
        var link = new TcpLink(endpoint?.Address.ToString() ?? "peer", endpoint?.Port ?? 0) { TakeLock = false };
        link.Attach(socket);
        return link;
    }

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public override bool IsOpen => _socket is { Connected: true };

    protected override async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ConnectTimeout);
        try
        {
            await socket.ConnectAsync(_host, _port, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new BoardLinkException($"cannot connect to board at {Address}: {(e is OperationCanceledException ? $"no answer within {ConnectTimeout.TotalSeconds:0.#} s" : e.Message)}; check that the board (or hass-board-emulator) is listening there", e);
        }
        Attach(socket);
    }

    private void Attach(Socket socket)
    {
        socket.NoDelay = true;
        _socket = socket;
        _reader = Task.Run(() => ReadLoopAsync(socket));
    }

    private async Task ReadLoopAsync(Socket socket)
    {
        var buffer = new byte[16384];
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                int n = await socket.ReceiveAsync(buffer, SocketFlags.None, _stop.Token).ConfigureAwait(false);
                if (n == 0) { OnClosedByPeer(); return; }
                OnReceived(buffer.AsSpan(0, n).ToArray());
            }
        }
        catch (OperationCanceledException) { }
        catch (ObjectDisposedException) { OnClosedByPeer(); }
        catch (SocketException e) { OnFault(e); }
    }

    public override async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new BoardLinkException($"link {Address} is not open");
        try
        {
            while (!data.IsEmpty)
            {
                int n = await socket.SendAsync(data, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                data = data[n..];
            }
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            throw new BoardLinkException($"link {Address} lost while sending: {e.Message}", e);
        }
    }

    protected override async ValueTask CloseCoreAsync()
    {
        _stop.Cancel();
        var socket = Interlocked.Exchange(ref _socket, null);
        if (socket is not null)
        {
            try { socket.Shutdown(SocketShutdown.Both); } catch (SocketException) { } catch (ObjectDisposedException) { }
            socket.Dispose();
        }
        if (_reader is not null) { try { await _reader.ConfigureAwait(false); } catch (Exception) { } }
    }
}
