using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hass.Dashboard;

/// <summary>Starts the dashboard's Kestrel server with the host and stops it (closing the event streams) with it.</summary>
public sealed class DashboardHostedService(DashboardOptions options) : IHostedService, IAsyncDisposable
{
    private WebApplication? _app;
    private ChangeFeed? _feed;

    /// <summary>Where the dashboard listens, once started.</summary>
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _feed = new ChangeFeed(options.Store, options.Live);
        _app = DashboardServer.Build(options, _feed);
        try
        {
            await _app.StartAsync(cancellationToken);
        }
        // Kestrel reports a taken port as IOException, an address that is not this machine's as SocketException.
        catch (Exception e) when (e is IOException or SocketException)
        {
            await DisposeAsync();
            throw DashboardAddressException.CannotListen(options.Address, e);
        }
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        Url = new Uri(address.Replace("//[::]", "//[::1]").Replace("//0.0.0.0", "//127.0.0.1") + "/");
        options.Started?.Invoke(Url);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _feed?.Complete();
        if (_app is not null) await _app.StopAsync(cancellationToken);
    }

    /// <summary>Idempotent: the host may dispose this instance both as itself and as the hosted service.</summary>
    public async ValueTask DisposeAsync()
    {
        _feed?.Dispose();
        _feed = null;
        if (_app is not null) await _app.DisposeAsync();
        _app = null;
    }
}

/// <summary>The dashboard's address cannot be used (taken, not an address of this machine).</summary>
public sealed class DashboardAddressException(string message) : Exception(message)
{
    internal static DashboardAddressException CannotListen(System.Net.IPEndPoint address, Exception e) =>
        new($"the dashboard cannot listen on {address} ({e.Message.TrimEnd('.')}); choose another address, e.g. 127.0.0.1:0 for any free port");
}
