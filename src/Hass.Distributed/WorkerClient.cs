using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Hass.Distributed;

/// <summary>
/// A worker's connection to the cluster: an Orleans client in a small host of its own, so that a worker that lost
/// its owner can drop the connection and build a fresh one when the owner is back.
/// </summary>
internal static class WorkerClient
{
    /// <summary>Connects; <paramref name="waiting"/> null gives up at once when no owner is there (instead of retrying every second).</summary>
    public static async Task<IHost> StartAsync(ClusterSettings settings, Action<string>? waiting, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.Services.AddOrleansClient(client =>
        {
            if (settings.Certificate is { } certificate) client.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
            if (settings.Address.IsLocal) client.UseLocalhostClustering(settings.GatewayPort, ClusterSettings.ServiceId, settings.ClusterId);
            else
            {
                client.UseRedisClustering(o => o.ConfigurationOptions = OwnerCluster.RedisOptions(settings));
                client.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, ClusterSettings.ServiceId));
            }
            client.Configure<GatewayOptions>(o => o.GatewayListRefreshPeriod = TimeSpan.FromSeconds(1));
            client.UseConnectionRetryFilter(async (e, token) =>
            {
                if (waiting is null || ClusterErrors.RedisFailed(e) is not null) return false;
                waiting(e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), token).ConfigureAwait(false);
                return true;
            });
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            host.Dispose();
            throw;
        }
        return host;
    }
}
