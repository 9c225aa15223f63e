using System.Globalization;
using System.Net;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Dashboard;

/// <summary>What the dashboard serves and where.</summary>
public sealed record DashboardOptions
{
    public const int DefaultPort = 8765;
    public static IPEndPoint DefaultAddress => new(IPAddress.Loopback, DefaultPort);

    /// <summary>The store to read: the campaign owner's open instance (live) or one opened read-only.</summary>
    public required HassStore Store { get; init; }
    public IPEndPoint Address { get; init; } = DefaultAddress;
    /// <summary>Serve clients whose address is not loopback (off by default: the API has no authentication).</summary>
    public bool AllowRemote { get; init; }
    /// <summary>True when a campaign writes the store in this process (pushes its saves to the pages).</summary>
    public bool Live { get; init; }
    /// <summary>Looks up a board by name, for the resources-vs-board bars; null when it is not known here.</summary>
    public Func<string, BoardSpec?> Boards { get; init; } = _ => null;
    /// <summary>Told the URL once Kestrel listens (the port is known only then when 0 was asked for).</summary>
    public Action<Uri>? Started { get; init; }

    /// <summary>
    /// Parses "HOST:PORT", "[IPv6]:PORT", "localhost:PORT" or a bare port (loopback); null when it is none of these.
    /// </summary>
    public static IPEndPoint? ParseAddress(string text)
    {
        text = text.Trim();
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare))
            return bare <= IPEndPoint.MaxPort ? new IPEndPoint(IPAddress.Loopback, bare) : null;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon < text.LastIndexOf(']')) return null;
        if (!int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > IPEndPoint.MaxPort) return null;
        var host = text[..colon];
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase)) return new IPEndPoint(IPAddress.Loopback, port);
        return IPEndPoint.TryParse(text, out var endPoint) ? endPoint : null;
    }
}
