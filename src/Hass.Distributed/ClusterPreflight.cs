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

    /// <summary>
    /// Connects and asks Redis (7 and later: <c>redis.acl_check_cmd</c>) whether this login may run every command Orleans'
    /// membership table runs on the campaign's key; the first one refused, or "" (also on a Redis without that check).
    /// </summary>
    private const string PermissionProbe = """
        if not redis.acl_check_cmd then return '' end
        local k = KEYS[1]
        for _, c in ipairs({ {'HGETALL', k}, {'HGET', k, 'f'}, {'HEXISTS', k, 'f'}, {'HSETNX', k, 'f', 'v'}, {'HSET', k, 'f', 'v'}, {'HDEL', k, 'f'} }) do
            if not redis.acl_check_cmd(unpack(c)) then return "NOPERM this user has no permissions to run the '" .. string.lower(c[1]) .. "' command on the key " .. k end
        end
        return ''
        """;

    private static async Task CheckRedisAsync(ClusterSettings settings)
    {
        if (await RedisFaultAsync(settings).ConfigureAwait(false) is { } fault) throw ClusterErrors.Explain(fault, settings)!;
    }

    /// <summary>
    /// Connects afresh, as a worker joining would, and runs the <see cref="PermissionProbe"/>: null when the Redis lets this
    /// login do what the cluster needs, else a connection failure whose inner exception says what went wrong.
    /// </summary>
    internal static async Task<Exception?> RedisFaultAsync(ClusterSettings settings)
    {
        var log = new StringWriter();
        try
        {
            await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(OwnerCluster.RedisOptions(settings), log).ConfigureAwait(false);
            var db = redis.GetDatabase();
            await db.PingAsync().ConfigureAwait(false);
            // EVAL, not EVALSHA, as Orleans runs its scripts.
            var denied = (string?)await db.ScriptEvaluateAsync(PermissionProbe, [OwnerCluster.MembershipKey(settings)], flags: StackExchange.Redis.CommandFlags.NoScriptCache).ConfigureAwait(false);
            if (!string.IsNullOrEmpty(denied)) throw new StackExchange.Redis.RedisServerException(denied);
            return null;
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException or SocketException)
        {
            // A handshake command refused (ECHO, the tracer) fails the connection as unreachable; only the log says NOPERM.
            var cause = LoggedDenial(log.ToString()) is { } line ? new StackExchange.Redis.RedisServerException(line) : e;
            return new StackExchange.Redis.RedisConnectionException(StackExchange.Redis.ConnectionFailureType.UnableToConnect, e.Message, cause);
        }
    }

    /// <summary>
    /// The NOPERM that failed the handshake, from StackExchange.Redis' connection log; the refused tie-breaker GET and
    /// the refused SUBSCRIBE to its channel are left out: it connects without them.
    /// </summary>
    private static string? LoggedDenial(string log) => log.Split('\n')
        .Where(l => !l.Contains("TieBreak", StringComparison.Ordinal) && !l.Contains("channel", StringComparison.Ordinal))
        .Select(l => l.IndexOf("NOPERM ", StringComparison.Ordinal) is var i and >= 0 ? l[i..].TrimEnd() : null)
        .FirstOrDefault(l => l is not null);
}
