using StackExchange.Redis;

namespace Hass.Distributed;

/// <summary>Turns what Orleans and Redis throw into one line that says what to do.</summary>
public static class ClusterErrors
{
    /// <summary>The permissions a Redis ACL user needs: Orleans' membership table (one hash per campaign) and StackExchange.Redis' handshake tracer (ECHO).</summary>
    public const string NeededPermissions = "~hass/members/* +ping +echo +eval +hgetall +hget +hexists +hsetnx +hset +hdel";

    private static Exception? RedisUnreachable(Exception e) => Chain(e).FirstOrDefault(x => x is RedisConnectionException);

    /// <summary>The Redis cannot be reached, or refuses this login something the cluster needs (NOPERM): retrying does not help.</summary>
    public static Exception? RedisFailed(Exception e) => RedisUnreachable(e) ?? RedisDenied(e);

    /// <summary>A <see cref="ClusterException"/> for a cluster the owner could not start or a worker could not reach; null for anything else.</summary>
    public static ClusterException? Explain(Exception e, ClusterSettings settings)
    {
        if (RedisRefusedLogin(e))
            return new ClusterException(RefusedLogin(settings), e);
        if (RedisDenied(e) is { } denied)
            return new ClusterException($"the cluster's Redis on {settings.Address.Redis} does not let {UserName(settings)} do what the cluster needs ({Denial(denied.Message)}): " +
                                        GivePermissions(settings), e);
        if (RedisUnreachable(e) is not null)
            return new ClusterException($"cannot reach the cluster's Redis on {settings.Address.Redis}: start redis-server there or fix --cluster / HASS_CLUSTER", e);
        if (Chain(e).OfType<System.Net.Sockets.SocketException>().FirstOrDefault(s => s.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse) is not null)
            return new ClusterException($"cannot listen on {settings.Listen} ports {settings.SiloPort} (silo) and {settings.GatewayPort} (gateway): another process uses one; " +
                                        "give free ones with --silo-port and --gateway-port", e);
        if (Chain(e).Any(x => x.GetType().Namespace?.StartsWith("Orleans", StringComparison.Ordinal) == true))
            return new ClusterException($"the cluster ({settings.Address}) could not be started or joined: {e.Message}", e);
        return null;
    }

    /// <summary>
    /// A <see cref="ClusterException"/> for a Redis that, during a run, stopped taking this login (the user deleted or switched
    /// off, its password or the requirepass changed) or stopped letting it do what the cluster needs (a permission revoked);
    /// null for anything else, such as a Redis that does not answer.
    /// </summary>
    public static ClusterException? ExplainRevoked(Exception e, ClusterSettings settings)
    {
        var redis = $"the cluster's Redis on {settings.Address.Redis}";
        if (RedisRefusedLogin(e))
            return new ClusterException(settings switch
            {
                { RedisPassword: null } => $"{redis} now wants a password: set ${ClusterSettings.RedisPasswordVariable} to its requirepass (with ${ClusterSettings.RedisUserVariable} " +
                                           "for an ACL user), here and for every worker",
                { RedisUser: null } => $"{redis} no longer takes the password in ${ClusterSettings.RedisPasswordVariable} (its requirepass changed): set it to the new one, here and for every worker",
                { RedisUser: { } user } => $"{redis} no longer takes the user '{user}' with the password in ${ClusterSettings.RedisPasswordVariable} (the user was deleted or switched off, " +
                                           $"or its password changed): set ${ClusterSettings.RedisPasswordVariable} to its password, or give the user back: " +
                                           $"ACL SETUSER {user} on >PASSWORD {NeededPermissions}",
            }, e);
        if (RedisDenied(e) is { } denied)
            return new ClusterException($"{redis} no longer lets {UserName(settings)} do what the cluster needs ({Denial(denied.Message)}): {GivePermissions(settings)}", e);
        return null;
    }

    /// <summary>The Redis did not answer during a run for <paramref name="silence"/>.</summary>
    public static ClusterException Unanswered(ClusterSettings settings, TimeSpan silence, Exception? last) =>
        new($"the cluster's Redis on {settings.Address.Redis} has not answered for {silence.TotalSeconds:0} s: start redis-server there again, or mend the network to it", last);

    private static string GivePermissions(ClusterSettings settings) =>
        $"give it these keys and commands: ACL SETUSER {settings.RedisUser ?? "default"} {NeededPermissions} (or ~* +@all)";

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

    private static string UserName(ClusterSettings settings) => settings.RedisUser is { } user ? $"the user '{user}'" : "the default user";

    /// <summary>What Redis refused, from its NOPERM line ("NOPERM this user has no permissions to run the 'hset' command" → that).</summary>
    private static string Denial(string message) => message.StartsWith("NOPERM ", StringComparison.Ordinal) ? message["NOPERM ".Length..].TrimEnd('.') : message;

    /// <summary>The Redis answered, but wants a password (NOAUTH) or refused the login given (WRONGPASS).</summary>
    private static bool RedisRefusedLogin(Exception e) => Chain(e).Any(x =>
        x is RedisConnectionException { FailureType: ConnectionFailureType.AuthenticationFailure }
        || x is RedisServerException s && (s.Message.StartsWith("NOAUTH", StringComparison.Ordinal) || s.Message.StartsWith("WRONGPASS", StringComparison.Ordinal)));

    /// <summary>The Redis let the login in but refused it a command or a key (NOPERM).</summary>
    private static Exception? RedisDenied(Exception e) =>
        Chain(e).FirstOrDefault(x => x is RedisServerException s && s.Message.StartsWith("NOPERM", StringComparison.Ordinal));

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
