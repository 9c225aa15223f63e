namespace Hass.Abstractions;

/// <summary>
/// A byte stream to a board (serial port or TCP). Framing, CRC and retries live above it (Hass.Board).
/// Implementations throw <see cref="BoardLinkException"/> when the device vanishes.
/// </summary>
public interface IBoardLink : IAsyncDisposable
{
    /// <summary>The link as written in configuration, e.g. "serial:/dev/ttyUSB0@921600".</summary>
    string Address { get; }
    bool IsOpen { get; }
    Task OpenAsync(CancellationToken cancellationToken);
    Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);
    /// <summary>Reads at least one byte; returns 0 only when the link was closed by the peer.</summary>
    Task<int> ReadAsync(Memory<byte> buffer, TimeSpan timeout, CancellationToken cancellationToken);
    /// <summary>Drops any bytes already received (resynchronisation after an error).</summary>
    void DiscardInput();
}

/// <summary>Creates links for one scheme ("serial", "tcp"); registered as a keyed component of kind BoardLink.</summary>
public interface IBoardLinkFactory : IHassComponent
{
    string Scheme { get; }
    IBoardLink Create(string address);

    /// <summary>The address in its canonical form (default: as given); throws a <see cref="FormatException"/> naming the problem when it is malformed.</summary>
    string Canonical(string address) => address;
}

public sealed class BoardLinkException(string message, Exception? inner = null) : Exception(message, inner);
