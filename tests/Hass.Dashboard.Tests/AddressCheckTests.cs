using System.Net;
using System.Net.Sockets;

namespace Hass.Dashboard.Tests;

/// <summary>The dashboard's address is checked before a command creates anything (hass run --dashboard creates its store first).</summary>
public class AddressCheckTests
{
    [Fact]
    public void A_port_that_is_taken_is_refused_naming_the_address()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var address = (IPEndPoint)busy.LocalEndpoint;
        var e = Assert.Throws<DashboardAddressException>(() => DashboardAddressCheck.EnsureCanListen(address));
        Assert.StartsWith($"the dashboard cannot listen on {address} (", e.Message);
        Assert.Contains("choose another address", e.Message);
    }

    [Fact]
    public void An_address_that_is_not_this_machines_is_refused()
    {
        var address = new IPEndPoint(IPAddress.Parse("192.0.2.1"), 8765);   // TEST-NET-1: never a local address
        Assert.Throws<DashboardAddressException>(() => DashboardAddressCheck.EnsureCanListen(address));
    }

    [Fact]
    public void A_free_address_is_accepted_and_let_go()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var address = (IPEndPoint)probe.LocalEndpoint;
        probe.Stop();
        DashboardAddressCheck.EnsureCanListen(address);
        using var again = new TcpListener(address);
        again.Start();   // the check did not keep the port
    }
}
