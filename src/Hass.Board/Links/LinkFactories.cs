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
}

/// <summary>Creates a link from an address with the built-in factories (the engine may register more schemes).</summary>
public static class BoardLinks
{
    public static IReadOnlyList<IBoardLinkFactory> BuiltIn { get; } = [new SerialLinkFactory(), new TcpLinkFactory()];

    public static IBoardLink Create(string address, IEnumerable<IBoardLinkFactory>? factories = null)
    {
        var scheme = BoardAddress.Parse(address).Scheme;
        var factory = (factories ?? BuiltIn).FirstOrDefault(f => f.Scheme == scheme)
            ?? throw new BoardAddressException($"no board link handles scheme '{scheme}' of '{address}'; {BoardAddress.Usage}");
        return factory.Create(address);
    }
}
