namespace Hass.Distributed;

/// <summary>Turns what Orleans and Redis throw into one line that says what to do.</summary>
public static class ClusterErrors
{
    public static Exception? RedisUnreachable(Exception e) => Chain(e).FirstOrDefault(x => x is StackExchange.Redis.RedisConnectionException);

    /// <summary>A <see cref="ClusterException"/> for a cluster the owner could not start or a worker could not reach; null for anything else.</summary>
    public static ClusterException? Explain(Exception e, ClusterSettings settings)
    {
        if (RedisRefusedLogin(e))
            return new ClusterException(RefusedLogin(settings), e);
        if (RedisUnreachable(e) is not null)
            return new ClusterException($"cannot reach the cluster's Redis on {settings.Address.Redis}: start redis-server there or fix --cluster / HASS_CLUSTER", e);
        if (Chain(e).OfType<System.Net.Sockets.SocketException>().FirstOrDefault(s => s.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse) is not null)
            return new ClusterException($"cannot listen on {settings.Listen} ports {settings.SiloPort} (silo) and {settings.GatewayPort} (gateway): another process uses one; " +
                                        "give free ones with --silo-port and --gateway-port", e);
        if (Chain(e).Any(x => x.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true))
            return new ClusterException($"the cluster ({settings.Address}) could not be started or joined: {e.Message}", e);
        return null;
    }

    private static string RefusedLogin(ClusterSettings settings)
    {
        var redis = $"the cluster's Redis on {settings.Address.Redis}";
        if (settings.RedisPassword is null)
            return $"{redis} wants a password: set ${ClusterSettings.RedisPasswordVariable} to it (its requirepass; with ${ClusterSettings.RedisUserVariable} " +
                   "for an ACL user), here and for every worker";
        if (settings.RedisUser is null)
            return $"{redis} refused the password in ${ClusterSettings.RedisPasswordVariable}: set it to the Redis's requirepass " +
                   $"(or the password of an ACL user named in ${ClusterSettings.RedisUserVariable})";
        return $"{redis} refused the user in ${ClusterSettings.RedisUserVariable} with the password in ${ClusterSettings.RedisPasswordVariable} " +
               "(no such user, user off, or wrong password): set them to an ACL user of that Redis and its password";
    }

    /// <summary>The Redis answered, but wants a password (NOAUTH) or refused the login given (WRONGPASS).</summary>
    private static bool RedisRefusedLogin(Exception e) => Chain(e).Any(x =>
        x is StackExchange.Redis.RedisConnectionException { FailureType: StackExchange.Redis.ConnectionFailureType.AuthenticationFailure }
        || x is StackExchange.Redis.RedisServerException s && (s.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || s.Message.StartsWith("WRONGPASS", StringComparison.Ordinal)));

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException a)
                foreach (var inner in a.InnerExceptions.SelectMany(Chain)) yield return inner;
        }
    }
}
