using System.Globalization;
using System.IO.Ports;

namespace Hass.Board.Links;

/// <summary>
/// A parsed board address: <c>serial:PORT@BAUD[,PARITY]</c> (parity none|even|odd|mark|space, default none)
/// or <c>tcp:HOST:PORT</c>.
/// </summary>
public sealed record BoardAddress(string Scheme, string Target, int BaudOrPort, Parity Parity = Parity.None)
{
    public const string Usage = "use serial:/dev/ttyUSB0@921600[,even|odd|none] or tcp:host:port";

    public bool IsSerial => Scheme == "serial";
    public bool IsTcp => Scheme == "tcp";

    public override string ToString() => IsSerial
        ? $"serial:{Target}@{BaudOrPort}" + (Parity == Parity.None ? "" : "," + Parity.ToString().ToLowerInvariant())
        : $"tcp:{Target}:{BaudOrPort}";

    public static BoardAddress Parse(string address)
    {
        if (string.IsNullOrWhiteSpace(address)) throw new BoardAddressException($"board address is empty; {Usage}");
        int colon = address.IndexOf(':');
        string scheme = colon < 0 ? "" : address[..colon].ToLowerInvariant();
        string rest = colon < 0 ? "" : address[(colon + 1)..];
        switch (scheme)
        {
            case "serial":
            {
                var parity = Parity.None;
                int comma = rest.LastIndexOf(',');
                if (comma >= 0)
                {
                    if (!Enum.TryParse(rest[(comma + 1)..], ignoreCase: true, out parity) || !Enum.IsDefined(parity))
                        throw new BoardAddressException($"board address '{address}': unknown parity '{rest[(comma + 1)..]}'; use none, even, odd, mark or space");
                    rest = rest[..comma];
                }
                int at = rest.LastIndexOf('@');
                if (at <= 0 || !int.TryParse(rest[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int baud) || baud <= 0)
                    throw new BoardAddressException($"board address '{address}': expected a port and a baud rate; {Usage}");
                return new BoardAddress("serial", rest[..at], baud, parity);
            }
            case "tcp":
            {
                int last = rest.LastIndexOf(':');
                if (last <= 0 || !int.TryParse(rest[(last + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is <= 0 or > 65535)
                    throw new BoardAddressException($"board address '{address}': expected host:port with a port in 1..65535; {Usage}");
                return new BoardAddress("tcp", rest[..last].Trim('[', ']'), port);
            }
            default:
                throw new BoardAddressException($"board address '{address}' has no known scheme; {Usage}");
        }
    }
}

/// <summary>A board address (link string) that is not one of the accepted forms; the message names it and the forms.</summary>
public sealed class BoardAddressException(string message) : FormatException(message);
