using System.Net;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;
using Hass.Engine.Campaigns;

namespace Hass.Distributed;

/// <summary>A cluster setting that cannot be used (bad --cluster address, missing secret, …): exit code 2.</summary>
public sealed class ClusterConfigurationException(string message) : Exception(message);

/// <summary>The cluster cannot be reached or joined (Redis down, port taken, worker refused): exit code 7.</summary>
public sealed class ClusterException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>How the owner and its workers find each other: one machine (`local`) or a Redis membership table.</summary>
public sealed record ClusterAddress(string? Redis)
{
    public bool IsLocal => Redis is null;

    public override string ToString() => Redis is null ? "local" : $"redis://{Redis}";

    /// <summary>`local`, or `redis://host[:port]` (port 6379 when left out).</summary>
    public static ClusterAddress Parse(string text)
    {
        if (text == "local") return new ClusterAddress((string?)null);
        RefuseLogin(text);
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == "redis" && uri.Host.Length > 0
            && uri.AbsolutePath is "" or "/" && uri.Query.Length == 0)
            return new ClusterAddress($"{uri.Host}:{(uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port)}");
        throw new ClusterConfigurationException($"cluster '{ConfigText.Printable(text)}' is not a cluster address: use 'local' (one machine) or redis://host:port");
    }

    /// <summary>
    /// Refuses a Redis user or password in the address (user@host, user:password@host, or StackExchange.Redis'
    /// user=/password=) without repeating it: only what follows the last '@' is shown, or nothing.
    /// </summary>
    private static void RefuseLogin(string text)
    {
        var at = text.LastIndexOf('@');
        if (at < 0 && !text.Contains("password=", StringComparison.OrdinalIgnoreCase) && !text.Contains("user=", StringComparison.OrdinalIgnoreCase)) return;
        var rest = at < 0 ? "" : text[(at + 1)..];
        var host = rest.Length > 0 && rest.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' or ':' or '[' or ']') ? rest : "host:port";
        throw new ClusterConfigurationException($"cluster address: give the Redis user in ${ClusterSettings.RedisUserVariable} and its password in " +
                                                $"${ClusterSettings.RedisPasswordVariable}, not in the address (other users could read them in the process list): use redis://{host}");
    }
}

/// <summary>Everything the owner's silo and a worker's client need to join one campaign's cluster.</summary>
public sealed record ClusterSettings
{
    public const string ServiceId = "hass";
    public const int DefaultSiloPort = 11111;
    public const int DefaultGatewayPort = 30000;

    public required ClusterAddress Address { get; init; }
    /// <summary>The campaign's cluster id (<see cref="ClusterIdOf"/>): workers of another campaign never find this owner.</summary>
    public required string ClusterId { get; init; }
    /// <summary>Shared secret every worker proves before it gets work ("" only when everything listens on loopback).</summary>
    public string Secret { get; init; } = "";
    /// <summary>The password of a Redis that requires one (its requirepass, or <see cref="RedisUser"/>'s), from $HASS_CLUSTER_REDIS_PASSWORD; null for none.</summary>
    public string? RedisPassword { get; init; }
    public const string RedisPasswordVariable = "HASS_CLUSTER_REDIS_PASSWORD";
    /// <summary>The Redis ACL user to log in as, from $HASS_CLUSTER_REDIS_USER; null for the `default` user.</summary>
    public string? RedisUser { get; init; }
    public const string RedisUserVariable = "HASS_CLUSTER_REDIS_USER";
    /// <summary>The cluster certificate: with one, every connection is TLS with that certificate on both ends (<see cref="ClusterTls"/>).</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? Certificate { get; init; }
    /// <summary>Address the owner's silo and gateway listen on and advertise (loopback unless given).</summary>
    public IPAddress Listen { get; init; } = IPAddress.Loopback;
    public int SiloPort { get; init; } = DefaultSiloPort;
    public int GatewayPort { get; init; } = DefaultGatewayPort;
    /// <summary>A trial a worker holds longer than this is taken from it and the worker treated as lost.</summary>
    public TimeSpan TrialTimeout { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>A worker silent (no heartbeat) this long is lost: its trials go back to the queue.</summary>
    public TimeSpan WorkerTimeout { get; init; } = TimeSpan.FromSeconds(5);
    /// <summary>A cluster Redis that stops answering during the run is waited for this long before the run stops (<see cref="RedisWatch"/>).</summary>
    public TimeSpan RedisGrace { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The campaign's name and a hash of its identity (the fields a resume must agree on).</summary>
    public static string ClusterIdOf(CampaignSpec spec) => $"hass-{spec.Name}-{Hashing.Sha256Hex(spec.IdentityJson())[..12]}";

    /// <summary>The Redis login from its two variables (blank is unset); a user without a password is refused.</summary>
    public static (string? User, string? Password) ReadRedisLogin(string? user, string? password)
    {
        user = string.IsNullOrWhiteSpace(user) ? null : user;
        password = string.IsNullOrWhiteSpace(password) ? null : password;
        if (user is not null && password is null)
            throw new ClusterConfigurationException($"${RedisUserVariable} is set but ${RedisPasswordVariable} is not: set the Redis user's password there too " +
                                                    $"(here and for every worker), or unset ${RedisUserVariable} to log in as the default user");
        return (user, password);
    }

    /// <summary>A secret file holds one line; a larger file is not one (a pipe or a device is refused before it is read).</summary>
    public const long MaxSecretFileBytes = 64 << 10;

    /// <summary>The secret from --secret-file or $HASS_CLUSTER_SECRET; refused when missing while listening beyond loopback.</summary>
    public static string ReadSecret(string? secretFile, string? environment, IPAddress listen)
    {
        string secret;
        if (secretFile is not null)
        {
            try { secret = HassJson.ReadText(secretFile, MaxSecretFileBytes).Trim(); }
            catch (InputFileException e)
            {
                throw new ClusterConfigurationException($"--secret-file {secretFile}: {e.Problem}");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new ClusterConfigurationException($"--secret-file {secretFile}: {e.Message}");
            }
            if (secret.Length == 0) throw new ClusterConfigurationException($"--secret-file {secretFile} is empty: write the cluster's shared secret into it");
        }
        else secret = environment?.Trim() ?? "";
        if (secret.Length == 0 && !IPAddress.IsLoopback(listen))
            throw new ClusterConfigurationException($"listening on {listen} needs a cluster secret: set HASS_CLUSTER_SECRET or give --secret-file (the same on every worker)");
        return secret;
    }
}
