using Hass.Engine.Running.Pipeline;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace Hass.Distributed;

/// <summary>The owner's side of a distributed campaign in its generic host: one silo, the trial dispatch, and its sweeper.</summary>
public static class OwnerCluster
{
    private static readonly TimeSpan MembershipWriteWindow = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Adds the silo (registered before the campaign, so a cluster that cannot start stops the run before its first
    /// trial), the dispatch, <see cref="IRemoteTrialStages"/>, the sweeper that declares lost workers, the
    /// owner's periodic cluster line, and with Redis the <see cref="OwnerRedisWatch"/> (its failure in <see cref="ClusterFault"/>).
    /// </summary>
    public static IServiceCollection AddHassOwnerCluster(this IServiceCollection services, ClusterSettings settings)
    {
        // Orleans and its resilience pipelines (Polly) log every retry; hass prints its own lines about the cluster.
        services.AddLogging(b => b.AddFilter("Orleans", LogLevel.None).AddFilter("Microsoft.Orleans", LogLevel.None).AddFilter("Polly", LogLevel.None));
        services.AddOrleans(silo =>
        {
            if (settings.Certificate is { } certificate) silo.UseTls(certificate, o => ClusterTls.Configure(o, certificate));
            if (settings.Address.IsLocal)
                silo.UseLocalhostClustering(settings.SiloPort, settings.GatewayPort, null, ClusterSettings.ServiceId, settings.ClusterId);
            else
            {
                silo.UseRedisClustering(o => o.ConfigurationOptions = RedisOptions(settings));
                silo.Configure<ClusterOptions>(o => (o.ClusterId, o.ServiceId) = (settings.ClusterId, ClusterSettings.ServiceId));
                silo.ConfigureEndpoints(settings.Listen, settings.SiloPort, settings.GatewayPort);
                // Also how long a stopping silo retries writing its status: 5 min by default, which a Redis that refuses
                // the write would turn into a stop that hangs until the host's shutdown timeout.
                silo.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = MembershipWriteWindow);
            }
        });
        services.AddSingleton(settings);
        services.AddSingleton<TrialDispatch>();
        services.AddSingleton<IRemoteTrialStages, DistributedTrials>();
        services.AddHostedService<DispatchSweeper>();
        services.AddSingleton<ClusterFault>();
        if (!settings.Address.IsLocal) services.AddHostedService<OwnerRedisWatch>();
        return services;
    }

    /// <summary>The Redis hash that holds the campaign's membership table, named as Orleans names it.</summary>
    internal static StackExchange.Redis.RedisKey MembershipKey(ClusterSettings settings) =>
        Orleans.Clustering.Redis.RedisClusteringOptions.DefaultCreateRedisKey(new ClusterOptions { ClusterId = settings.ClusterId, ServiceId = ClusterSettings.ServiceId });

    internal static StackExchange.Redis.ConfigurationOptions RedisOptions(ClusterSettings settings)
    {
        var options = StackExchange.Redis.ConfigurationOptions.Parse(settings.Address.Redis!);
        options.User = settings.RedisUser;
        options.Password = settings.RedisPassword;
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 3000;
        return options;
    }
}

/// <summary>Sweeps the dispatch for lost workers four times a second and logs the cluster line (at most every 10 s, when it changed).</summary>
internal sealed class DispatchSweeper(TrialDispatch dispatch, ILogger<DispatchSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
        var started = DateTimeOffset.UtcNow;
        string? last = null;
        var ticks = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                dispatch.Sweep();
                if (++ticks % 40 != 0) continue;
                var status = dispatch.Status();
                var state = ClusterLine(status, null);
                if (state == last) continue;
                last = state;
                logger.LogInformation("{Line}", ClusterLine(status, DateTimeOffset.UtcNow - started));
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Workers with their trials in flight and done, the queue, and the rate since the owner started (when <paramref name="elapsed"/> is given).</summary>
    public static string ClusterLine(ClusterStatus status, TimeSpan? elapsed)
    {
        var workers = string.Join(", ", status.Workers.Select(w => $"{w.Worker} {w.InFlight} in flight/{w.Completed} done"));
        var rate = elapsed is { TotalMinutes: > 0 } e ? $" ({status.Completed / e.TotalMinutes:F1} trials/min)" : "";
        return $"cluster: {status.Workers.Count} worker(s) [{workers}], {status.Workers.Sum(w => w.InFlight)} trial(s) in flight, {status.Queued} queued, " +
               $"{status.Completed} done{rate}, {status.Redispatched} re-dispatched";
    }
}
