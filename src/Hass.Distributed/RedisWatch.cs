using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hass.Distributed;

/// <summary>
/// Checks every <see cref="Period"/> during a run, as the preflight does before it, that the cluster's Redis still lets this
/// login do what the cluster needs. Each check connects afresh: Redis keeps a connection open after its user was switched
/// off or its password changed, and only the next login (a worker joining, the owner restarted) would be refused.
/// A refused login or permission is the run's end at once; a Redis that does not answer is waited for the settings'
/// <see cref="ClusterSettings.RedisGrace"/>.
/// </summary>
public sealed class RedisWatch(ClusterSettings settings, ILogger logger)
{
    public static readonly TimeSpan Period = TimeSpan.FromSeconds(5);

    /// <summary>Watches until the Redis fails the cluster (returns why, as the run's one error line) or <paramref name="cancellationToken"/> is cancelled (throws).</summary>
    public async Task<ClusterException> FailureAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Period);
        DateTimeOffset? silentSince = null;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            var fault = await ClusterPreflight.RedisFaultAsync(settings).ConfigureAwait(false);
            if (fault is null)
            {
                if (silentSince is not null) logger.LogInformation("cluster: the Redis on {Redis} answers again", settings.Address.Redis);
                silentSince = null;
                continue;
            }
            if (ClusterErrors.ExplainRevoked(fault, settings) is { } revoked) return revoked;
            if (silentSince is null)
            {
                silentSince = DateTimeOffset.UtcNow;
                logger.LogWarning("cluster: the Redis on {Redis} does not answer; the run stops if it still does not in {Window} s", settings.Address.Redis, settings.RedisGrace.TotalSeconds);
            }
            else if (DateTimeOffset.UtcNow - silentSince >= settings.RedisGrace) return ClusterErrors.Unanswered(settings, settings.RedisGrace, fault);
        }
        throw new OperationCanceledException(cancellationToken);
    }
}

/// <summary>The cluster failure that stopped the owner's run, when one did: the run's error (exit 7) rather than an interrupt.</summary>
public sealed class ClusterFault
{
    public ClusterException? Error { get; set; }
}

/// <summary>
/// The owner's <see cref="RedisWatch"/>: a Redis that fails the cluster during the run stops the campaign as an interrupt
/// does (trials in flight are stored abandoned and re-asked on resume; the campaign is stored interrupted) and is the run's error.
/// </summary>
internal sealed class OwnerRedisWatch(ClusterSettings settings, ClusterFault fault, IHostApplicationLifetime lifetime, ILogger<OwnerRedisWatch> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var watching = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            var failure = await new RedisWatch(settings, logger).FailureAsync(watching.Token).ConfigureAwait(false);
            if (watching.IsCancellationRequested) return; // the run ended during the last check: its outcome stands
            fault.Error = failure;
            lifetime.StopApplication();
        }
        catch (OperationCanceledException) when (watching.IsCancellationRequested) { }
    }
}
