using System.IO.Ports;
using Hass.Abstractions;

namespace Hass.Board.Links;

/// <summary>
/// A board on a serial port (<c>serial:/dev/ttyUSB0@921600[,parity]</c>), 8 data bits, 1 stop bit, no flow
/// control. A dedicated reader thread (not the DataReceived event) blocks in a read without a timeout; a read
/// error (the driver's hang-up when the device goes away) or closing the link ends it.
/// </summary>
/// <remarks>
/// Reads never time out on purpose: on Unix, .NET's serial stream can read bytes into a request whose timeout
/// has just fired and then drop them: a reply lost for good (the likely cause of a HELLO once never answered on a loaded CI host).
/// </remarks>
public sealed class SerialLink : BufferedLink
{
    private readonly string _port;
    private readonly int _baud;
    private readonly Parity _parity;
    private SerialPort? _serial;
    private Thread? _reader;
    private volatile bool _stop;
    private readonly object _writeGate = new();

    public SerialLink(string port, int baud, Parity parity = Parity.None)
        : base(new BoardAddress("serial", port, baud, parity).ToString())
    {
        _port = port;
        _baud = baud;
        _parity = parity;
    }

    public override bool IsOpen => _serial is { IsOpen: true } && !_stop;

    protected override Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(_port))
            throw new BoardLinkException($"serial port {_port} does not exist; check the cable and the device name (ls /dev/ttyUSB* /dev/ttyACM*)");
        var serial = new SerialPort(_port, _baud, _parity, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            ReadTimeout = SerialPort.InfiniteTimeout,
            WriteTimeout = 2000,
            ReadBufferSize = 1 << 16,
            WriteBufferSize = 1 << 16,
            DtrEnable = false,
            RtsEnable = false,
        };
        try
        {
            serial.Open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            serial.Dispose();
            throw new BoardLinkException($"cannot open serial port {_port} at {_baud} baud: {e.Message.TrimEnd('.')}" +
                (e is not UnauthorizedAccessException ? ""
                    : Environment.IsPrivilegedProcess ? $"; check that {_port} is a serial device (a tty)" : "; add your user to the dialout group"), e);
        }
        _serial = serial;
        _stop = false;
        _reader = new Thread(() => ReadLoop(serial)) { IsBackground = true, Name = "hass serial reader " + _port };
        _reader.Start();
        return Task.CompletedTask;
    }

    private void ReadLoop(SerialPort serial)
    {
        var buffer = new byte[8192];
        while (!_stop)
        {
            try
            {
                int n = serial.Read(buffer, 0, buffer.Length);
                if (n > 0) OnReceived(buffer.AsSpan(0, n).ToArray());
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or ObjectDisposedException)
            {
                if (!_stop) OnFault(new IOException($"serial device {_port} failed or vanished: {e.Message}", e));
                return;
            }
        }
    }

    public override Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        var serial = _serial ?? throw new BoardLinkException($"link {Address} is not open");
        try
        {
            lock (_writeGate)
            {
                var array = data.ToArray();
                serial.Write(array, 0, array.Length);
            }
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or TimeoutException or ObjectDisposedException)
        {
            throw new BoardLinkException($"link {Address}: cannot write ({e.Message}); the device may have vanished", e);
        }
        return Task.CompletedTask;
    }

    protected override ValueTask CloseCoreAsync()
    {
        _stop = true;
        var serial = Interlocked.Exchange(ref _serial, null);
        if (serial is not null)
        {
            // Closing the port is what ends the reader's pending read.
            try { serial.Close(); } catch (IOException) { }
            serial.Dispose();
        }
        _reader?.Join(1000);
        return ValueTask.CompletedTask;
    }
}
