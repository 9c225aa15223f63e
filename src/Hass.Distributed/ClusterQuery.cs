using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hass.Distributed;

/// <summary>`hass workers`: asks a running owner for its workers and queue, proving the cluster secret like a worker.</summary>
public static class ClusterQuery
{
    public static async Task<ClusterStatus> StatusAsync(ClusterSettings settings, CancellationToken cancellationToken)
    {
        IHost? host = null;
        try
        {
            host = await WorkerClient.StartAsync(settings, waiting: null, cancellationToken).ConfigureAwait(false);
            var grain = host.Services.GetRequiredService<IClusterClient>().GetGrain<ITrialDispatchGrain>(0);
            var caller = $"status@{Environment.MachineName}:{Environment.ProcessId}";
            var nonce = await grain.Challenge().ConfigureAwait(false);
            return await grain.Status(caller, nonce, ClusterSecret.Proof(settings.Secret, nonce, caller)).ConfigureAwait(false)
                ?? throw new ClusterException("the owner refused the query: wrong cluster secret (HASS_CLUSTER_SECRET or --secret-file must be the owner's)");
        }
        catch (Exception e) when (e is not ClusterException and not OperationCanceledException)
        {
            throw ClusterErrors.RedisFailed(e) is not null ? ClusterErrors.Explain(e, settings)!
                : new ClusterException($"no owner of cluster {settings.ClusterId} answers on {settings.Address}: is 'hass run' of this campaign running with --cluster {settings.Address}?", e);
        }
        finally
        {
            host?.Dispose();
        }
    }
}
