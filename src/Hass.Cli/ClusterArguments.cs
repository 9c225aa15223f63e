using System.CommandLine;
using System.Net;
using Hass.Abstractions.Configuration;
using Hass.Distributed;
using Hass.Engine.Campaigns;

namespace Hass.Cli;

/// <summary>
/// The cluster options of `hass run` (the owner) and `hass worker`: where the cluster is (--cluster, $HASS_CLUSTER,
/// hass.json "cluster"), its secret (--secret-file, $HASS_CLUSTER_SECRET), the Redis login ($HASS_CLUSTER_REDIS_USER,
/// $HASS_CLUSTER_REDIS_PASSWORD), and where the owner listens.
/// </summary>
internal static class ClusterArguments
{
    public const string ClusterVariable = "HASS_CLUSTER";
    public const string SecretVariable = "HASS_CLUSTER_SECRET";

    public static readonly Option<string?> Cluster = new("--cluster")
    {
        Description = "Run trials on the workers of a cluster: 'local' (one machine) or redis://host:port (also $HASS_CLUSTER, hass.json \"cluster\")",
    };
    public static readonly Option<string?> SecretFile = new Option<string?>("--secret-file") { Description = $"File holding the cluster's shared secret (default: ${SecretVariable})" }.ForPaths();
    public static readonly Option<string?> Listen = new("--listen") { Description = "Address the owner's silo and gateway listen on and advertise (default 127.0.0.1)" };
    public static readonly Option<int?> SiloPort = NumberOptions.Int("--silo-port", $"The owner's silo port (default {ClusterSettings.DefaultSiloPort})", 1, 65535);
    public static readonly Option<int?> GatewayPort = NumberOptions.Int("--gateway-port",
        $"The owner's gateway port, which workers of a local cluster connect to (default {ClusterSettings.DefaultGatewayPort})", 1, 65535);
    public static readonly Option<string?> TrialTimeout = new("--trial-timeout") { Description = "A worker holding one trial longer is treated as lost (default 30m)" };
    public static readonly Option<string?> WorkerTimeout = new("--worker-timeout") { Description = "A worker silent (no heartbeat) this long is treated as lost (default 5s)" };
    public static readonly Option<string?> RedisGrace = new("--redis-grace")
    {
        Description = "With a Redis cluster: how long a Redis that stops answering during the run is waited for before the run stops with exit 7 (default 30s; at least 5s)",
    };

    public static readonly Option<string?> TlsCertificate = new Option<string?>("--tls-certificate")
    {
        Description = $"PKCS#12 file of the cluster certificate: TLS on every connection, only peers with this certificate (password: ${ClusterTls.PasswordVariable})",
    }.ForPaths();

    public static IEnumerable<Option> OwnerOptions => [Cluster, SecretFile, TlsCertificate, Listen, SiloPort, GatewayPort, TrialTimeout, WorkerTimeout, RedisGrace];
    public static IEnumerable<Option> WorkerOptions => [Cluster, SecretFile, TlsCertificate, GatewayPort, RedisGrace];

    /// <summary>The cluster to run <paramref name="spec"/> on; null when none is configured (then everything runs in this process).</summary>
    public static ClusterSettings? Settings(CliContext ctx, CampaignSpec spec)
    {
        var text = ctx.Parse.GetValue(Cluster) ?? NonEmpty(Environment.GetEnvironmentVariable(ClusterVariable)) ?? ctx.Config.Cluster;
        if (text is null) return null;
        var address = ClusterAddress.Parse(text);
        var listen = IPAddress.Loopback;
        if (ctx.Parse.GetValue(Listen) is { } l && !IPAddress.TryParse(l, out listen!))
            throw new ClusterConfigurationException($"--listen '{ConfigText.Printable(l)}' is not an IP address (e.g. 127.0.0.1 or the machine's LAN address)");
        var trialTimeout = Duration(ctx, TrialTimeout);
        var workerTimeout = Duration(ctx, WorkerTimeout);
        var redisGrace = Duration(ctx, RedisGrace);
        if (redisGrace is not null && address.IsLocal)
            throw new ClusterConfigurationException("--redis-grace: a local cluster has no Redis to wait for; give it with --cluster redis://host:port, or leave it out");
        if (redisGrace < RedisWatch.Period)
            throw new ClusterConfigurationException($"--redis-grace: {redisGrace.Value.TotalSeconds:0.#} s is shorter than the {RedisWatch.Period.TotalSeconds:0} s between two checks of the Redis; give at least {RedisWatch.Period.TotalSeconds:0}s");
        if (address.IsLocal && !IPAddress.IsLoopback(listen))
            throw new ClusterConfigurationException("--listen: a local cluster listens on loopback only; use --cluster redis://host:port for workers on other machines");
        var (redisUser, redisPassword) = address.IsLocal ? (null, null) : ClusterSettings.ReadRedisLogin(
            Environment.GetEnvironmentVariable(ClusterSettings.RedisUserVariable), Environment.GetEnvironmentVariable(ClusterSettings.RedisPasswordVariable));
        var settings = new ClusterSettings
        {
            Address = address, ClusterId = ClusterSettings.ClusterIdOf(spec), Listen = listen,
            Secret = ClusterSettings.ReadSecret(ctx.Parse.GetValue(SecretFile), Environment.GetEnvironmentVariable(SecretVariable), listen),
            Certificate = ctx.Parse.GetValue(TlsCertificate) is { } tls ? ClusterTls.Load(tls, Environment.GetEnvironmentVariable(ClusterTls.PasswordVariable)) : null,
            RedisUser = redisUser, RedisPassword = redisPassword,
            SiloPort = ctx.Parse.GetValue(SiloPort) ?? ClusterSettings.DefaultSiloPort,
            GatewayPort = ctx.Parse.GetValue(GatewayPort) ?? ClusterSettings.DefaultGatewayPort,
        };
        return settings with
        {
            TrialTimeout = trialTimeout ?? settings.TrialTimeout, WorkerTimeout = workerTimeout ?? settings.WorkerTimeout, RedisGrace = redisGrace ?? settings.RedisGrace,
        };
    }

    private static TimeSpan? Duration(CliContext ctx, Option<string?> option)
    {
        if (ctx.Parse.GetValue(option) is not { } text) return null;
        return DurationConverter.Parse(text) is { TotalSeconds: >= 1 } duration ? duration
            : throw new ClusterConfigurationException($"{option.Name}: '{ConfigText.Printable(text)}' is not a duration of at least 1 second (seconds, hh:mm:ss or like 15m)");
    }

    private static string? NonEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
