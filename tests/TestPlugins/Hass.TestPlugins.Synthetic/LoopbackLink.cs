using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hass.Abstractions;

namespace Hass.TestPlugins;

/// <summary>
/// The worked example of CONTRIBUTING.md: a board link added by a plugin. <c>loopback:PORT</c> reaches a board (or
/// the emulator) listening on 127.0.0.1:PORT. One factory class plus one AddHassComponent line in the plugin's
/// ConfigureServices; `hass plugins` lists it and every board command accepts the address.
/// </summary>
public sealed class LoopbackLinkFactory : IBoardLinkFactory
{
    public string Name => "loopback";
    public string Description => "Test-only example link: a board on this machine's loopback, loopback:PORT";
    public string Scheme => "loopback";

    public IBoardLink Create(string address) => new LoopbackLink(Canonical(address), Port(address));

    public string Canonical(string address) => $"loopback:{Port(address)}";

    private static int Port(string address) =>
        address.StartsWith("loopback:", StringComparison.Ordinal)
        && int.TryParse(address["loopback:".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"board address '{address}': expected loopback:PORT with a port in 1..65535");
}

internal sealed class LoopbackLink(string address, int port) : IBoardLink
{
    private Socket? _socket;

    public string Address => address;
    public bool IsOpen => _socket is { Connected: true };

    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try { await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), cancellationToken); }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new BoardLinkException($"cannot connect to board at {address}: {e.Message}", e);
        }
        _socket = socket;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new BoardLinkException($"link {address} is not open");
        while (!data.IsEmpty) data = data[await socket.SendAsync(data, SocketFlags.None, cancellationToken)..];
    }

    public async Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new BoardLinkException($"link {address} is not open");
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try { return await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token); }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no bytes from {address} within {timeout.TotalMilliseconds:0} ms");
        }
    }

    public void DiscardInput()
    {
        var buffer = new byte[4096];
        while (_socket is { Available: > 0 } socket) socket.Receive(buffer);
    }

    public ValueTask DisposeAsync()
    {
        _socket?.Dispose();
        _socket = null;
        return ValueTask.CompletedTask;
    }
}
