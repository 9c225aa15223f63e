using Hass.Abstractions;

namespace Hass.Board.Links;

public sealed class SerialLinkFactory : IBoardLinkFactory
{
    public string Name => "serial";
    public string Description => "Board on a serial port (System.IO.Ports): serial:/dev/ttyUSB0@921600[,parity]";
    public string Scheme => "serial";

    public IBoardLink Create(string address)
    {
        var a = BoardAddress.Parse(address);
        if (!a.IsSerial) throw new BoardAddressException($"'{address}' is not a serial address; {BoardAddress.Usage}");
        return new SerialLink(a.Target, a.BaudOrPort, a.Parity);
    }

    public string Canonical(string address) => BoardAddress.Parse(address).ToString();
}

public sealed class TcpLinkFactory : IBoardLinkFactory
{
    public string Name => "tcp";
    public string Description => "Board (or hass-board-emulator) over TCP: tcp:host:port";
    public string Scheme => "tcp";

    public IBoardLink Create(string address)
    {
        var a = BoardAddress.Parse(address);
        if (!a.IsTcp) throw new BoardAddressException($"'{address}' is not a tcp address; {BoardAddress.Usage}");
        return new TcpLink(a.Target, a.BaudOrPort);
    }

    public string Canonical(string address) => BoardAddress.Parse(address).ToString();
}

/// <summary>
/// The board links a host knows: every registered <see cref="IBoardLinkFactory"/> (the container builds it from the
/// BoardLink components of the host and the plugins), found by the scheme before the address's first ':'.
/// </summary>
public sealed class BoardLinks(IEnumerable<IBoardLinkFactory> factories)
{
    private readonly IReadOnlyList<IBoardLinkFactory> _factories = factories.ToList();

    /// <summary>The links of Hass.Board alone (serial, tcp), for library callers without a host (the emulator's tests).</summary>
    public static BoardLinks Standard { get; } = new([new SerialLinkFactory(), new TcpLinkFactory()]);

    public IReadOnlyList<string> Schemes => _factories.Select(f => f.Scheme).ToList();

    /// <summary>The address in its factory's canonical form; a malformed address or an unknown scheme is a <see cref="BoardAddressException"/>.</summary>
    public string Canonical(string address)
    {
        var factory = FactoryFor(address);
        try { return factory.Canonical(address); }
        catch (FormatException e) when (e is not BoardAddressException) { throw new BoardAddressException(e.Message); }
    }

    public IBoardLink Create(string address) => FactoryFor(address).Create(Canonical(address));

    private IBoardLinkFactory FactoryFor(string address)
    {
        if (string.IsNullOrWhiteSpace(address)) throw new BoardAddressException($"board address is empty; {Usage}");
        int colon = address.IndexOf(':');
        var scheme = colon < 0 ? "" : address[..colon].ToLowerInvariant();
        return _factories.FirstOrDefault(f => f.Scheme == scheme)
            ?? throw new BoardAddressException($"board address '{address}' has no known scheme; {Usage}");
    }

    /// <summary>The accepted forms: serial and tcp as <see cref="BoardAddress.Usage"/> says, then any other registered scheme.</summary>
    private string Usage
    {
        get
        {
            var others = _factories.Where(f => f.Scheme is not ("serial" or "tcp")).Select(f => f.Scheme + ":…").ToList();
            return others.Count == 0 ? BoardAddress.Usage : $"{BoardAddress.Usage} (also: {string.Join(", ", others)})";
        }
    }
}
