using System.Net.Sockets;

namespace Hass.Distributed;

/// <summary>
/// Checks made before a command opens anything (the owner's store, the model): the Redis answers, and the owner's
/// silo and gateway ports are free. A cluster that cannot work then fails with one line and nothing written.
/// </summary>
public static class ClusterPreflight
{
    public static async Task CheckAsync(ClusterSettings settings, bool owner)
    {
        if (!settings.Address.IsLocal) await CheckRedisAsync(settings).ConfigureAwait(false);
        if (!owner) return;
        foreach (var port in new[] { settings.SiloPort, settings.GatewayPort })
        {
            var listener = new TcpListener(settings.Listen, port);
            try
            {
                listener.Start();
            }
            catch (SocketException e)
            {
                throw new ClusterException($"cannot listen on {settings.Listen} port {port} ({e.Message.TrimEnd('.')}): give free ones with --silo-port and --gateway-port, " +
                                           "or an address of this machine with --listen", e);
            }
            finally
            {
                listener.Stop();
            }
        }
    }

    private static async Task CheckRedisAsync(ClusterSettings settings)
    {
        try
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(OwnerCluster.RedisOptions(settings)).ConfigureAwait(false);
            await redis.GetDatabase().PingAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or SocketException)
        {
            throw ClusterErrors.Explain(new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, e.Message, e), settings)!;
        }
    }
}
