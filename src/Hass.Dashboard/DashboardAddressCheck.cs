using System.Net;
using System.Net.Sockets;

namespace Hass.Dashboard;

/// <summary>
/// Whether the dashboard can listen on an address, asked before a command creates or opens anything: `hass run
/// --dashboard` creates its store before the host starts the dashboard, so a taken port found only then would leave
/// a new, empty store behind.
/// </summary>
public static class DashboardAddressCheck
{
    /// <summary>
    /// Binds and listens on the address as Kestrel does (dual-mode on [::]), then lets it go; throws a
    /// <see cref="DashboardAddressException"/> when it cannot. Another process may still take the port before the
    /// dashboard starts; the dashboard then reports it as before.
    /// </summary>
    public static void EnsureCanListen(IPEndPoint address)
    {
        using var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        if (address.Address.Equals(IPAddress.IPv6Any)) socket.DualMode = true;
        try
        {
            socket.Bind(address);
            socket.Listen();
        }
        catch (SocketException e)
        {
            throw DashboardAddressException.CannotListen(address, e);
        }
    }
}
