using System.Net;
using System.Net.Sockets;
using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;

namespace Hass.BoardEmulator;

/// <summary>Serves a <see cref="BoardFirmware"/> over TCP (one host at a time; a new connection replaces the old) or a serial device.</summary>
public sealed class EmulatorServer
{
    private readonly BoardFirmware _firmware;
    private readonly EmulatorOptions _options;
    private readonly FaultInjector _faults;
    private long _framesReceived;
    private volatile bool _dropConnection;

    public EmulatorServer(EmulatorOptions options, BoardFirmware? firmware = null)
    {
        _options = options;
        _firmware = firmware ?? CreateFirmware(options);
        _faults = new FaultInjector(options.CorruptRate, options.DropRate, options.Seed);
        _firmware.Rebooted += () => _dropConnection = true;
    }

    public BoardFirmware Firmware => _firmware;

    /// <summary>Where link failures are reported (the emulator's stderr); the emulator then serves the next connection.</summary>
    public TextWriter? LinkErrors { get; init; }

    private static BoardFirmware CreateFirmware(EmulatorOptions options)
    {
        var board = options.LoadBoard();
        var limits = new DesignLimits(board, options.MemoryBudgetBytes) { AcceptForeignDesigns = options.AcceptForeignDesigns };
        return new BoardFirmware(board, options.BoardId, limits)
        {
            RebootDuringDeploy = options.RebootDuringDeploy, RebootAtRun = options.RebootAtRun, IgnoreSequenceNumbers = options.IgnoreSequenceNumbers,
        };
    }
    public FaultInjector Faults => _faults;

    /// <summary>Address hosts use to reach this emulator; set once listening.</summary>
    public string? Address { get; private set; }

    /// <summary>
    /// Starts listening and returns once <see cref="Address"/> is known; serving continues until cancelled. A device or
    /// address that cannot be used is an <see cref="EmulatorSetupException"/> naming the option.
    /// </summary>
    public async Task<Task> StartAsync(CancellationToken cancellationToken) => _options.Serial is { } device
        ? await StartSerialAsync(device, cancellationToken).ConfigureAwait(false)
        : StartTcp(_options.Tcp!, cancellationToken);

    private async Task<Task> StartSerialAsync(string device, CancellationToken cancellationToken)
    {
        var link = new SerialLink(device, _options.Baud) { TakeLock = false };
        try { await link.OpenAsync(cancellationToken).ConfigureAwait(false); }
        catch (Exception e) when (e is BoardLinkException or IOException or UnauthorizedAccessException)
        {
            await link.DisposeAsync().ConfigureAwait(false);
            throw new EmulatorSetupException($"--serial '{device}': {e.Message}", e);
        }
        Address = new BoardAddress("serial", device, _options.Baud).ToString();
        return Task.Run(() => ServeSerialAsync(link, cancellationToken), CancellationToken.None);
    }

    private Task StartTcp(string tcp, CancellationToken cancellationToken)
    {
        var listener = new TcpListener(EmulatorOptions.ParseEndpoint(tcp));
        try { listener.Start(); }
        catch (SocketException e)
        {
            listener.Dispose();
            throw new EmulatorSetupException($"--tcp '{tcp}': cannot listen there ({e.Message.TrimEnd('.')}); choose another address, e.g. 127.0.0.1:0 for any free port", e);
        }
        var bound = (IPEndPoint)listener.LocalEndpoint;
        Address = $"tcp:{bound.Address}:{bound.Port}";
        return Task.Run(() => AcceptLoopAsync(listener, cancellationToken), CancellationToken.None);
    }

    private async Task AcceptLoopAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        CancellationTokenSource? current = null;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var socket = await listener.AcceptSocketAsync(cancellationToken).ConfigureAwait(false);
                current?.Cancel();
                current = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var token = current.Token;
                _ = Task.Run(async () =>
                {
                    await using var link = TcpLink.FromConnected(socket);
                    await ServeConnectionAsync(link, token).ConfigureAwait(false);
                }, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) { }
        finally
        {
            current?.Cancel();
            listener.Stop();
        }
    }

    private async Task ServeSerialAsync(IBoardLink link, CancellationToken cancellationToken)
    {
        await using (link.ConfigureAwait(false))
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await ServeConnectionAsync(link, cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested) break;
                // A serial line cannot be closed like a socket: the "disconnect" is a second of silence.
                await Task.Delay(1000, cancellationToken).ConfigureAwait(false);
                link.DiscardInput();
            }
        }
    }

    /// <summary>Serves one connection until the peer closes it, a fault drops it, or cancellation.</summary>
    private async Task ServeConnectionAsync(IBoardLink link, CancellationToken cancellationToken)
    {
        var decoder = new FrameDecoder();
        var decoded = new List<DecodeResult>();
        var buffer = new byte[16384];
        _dropConnection = false;
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                int n;
                try { n = await link.ReadAsync(buffer, TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false); }
                catch (TimeoutException) { continue; }
                if (n == 0) return;
                decoder.Feed(_faults.Apply(buffer.AsSpan(0, n)), decoded);
                foreach (var result in decoded)
                {
                    if (!result.IsCorrupt && _options.DisconnectAfterFrames > 0 && Interlocked.Increment(ref _framesReceived) % _options.DisconnectAfterFrames == 0)
                        return;
                    var reply = _firmware.Handle(result);
                    if (_dropConnection) return;
                    if (reply is null) continue;
                    if (_options.DelayMs > 0) await Task.Delay(_options.DelayMs, cancellationToken).ConfigureAwait(false);
                    await link.WriteAsync(_faults.Apply(reply), cancellationToken).ConfigureAwait(false);
                }
                decoded.Clear();
            }
        }
        catch (OperationCanceledException) { }
        catch (BoardLinkException e)
        {
            LinkErrors?.WriteLine($"hass-board-emulator: {e.Message}; waiting for the host again");
        }
    }
}
