using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hass.Distributed;

/// <summary>
/// `hass worker`: joins the campaign's cluster, proves the secret and its identity, then takes trials one at a
/// time and sends back their results, with a heartbeat every second. When the owner goes away (killed, restarted)
/// it waits and joins again; it stops on cancellation (telling the owner it leaves), when the owner refuses it, or when
/// the cluster's Redis fails it (<see cref="RedisWatch"/>; it leaves too); the last two are a <see cref="ClusterException"/>.
/// </summary>
public sealed class WorkerRunner(ClusterSettings settings, WorkerPipeline pipeline, Dictionary<string, string> identity, ILogger logger)
{
    private static readonly TimeSpan HeartbeatPeriod = TimeSpan.FromSeconds(1);
    private const int TakeWaitMilliseconds = 5000;
    /// <summary>How long a stopping worker waits for the owner to acknowledge its leaving (the owner may be gone).</summary>
    private static readonly TimeSpan LeaveWait = TimeSpan.FromSeconds(2);
    private string? _session;
    private bool _joinedOnce;
    /// <summary>Joined and not lost since: a failure now is the loss of the owner, said once.</summary>
    private bool _serving;
    private bool _waitingLogged;

    public string Name { get; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("worker {Name}: joining cluster {ClusterId} ({Address})", Name, settings.ClusterId, settings.Address);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var redisFailure = WatchRedisAsync(stop);
        try
        {
            await ServeUntilStoppedAsync(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The Redis watch stopped this worker: its failure is the error.
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
        }
        if (await redisFailure.ConfigureAwait(false) is { } failure) throw failure;
        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>The <see cref="RedisWatch"/>'s failure, which stops this worker (it leaves the owner first); null when the worker stopped otherwise.</summary>
    private async Task<ClusterException?> WatchRedisAsync(CancellationTokenSource stop)
    {
        if (settings.Address.IsLocal) return null;
        try
        {
            var failure = await new RedisWatch(settings, logger).FailureAsync(stop.Token).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            return failure;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Joins, serves, and after losing the owner waits and joins again, until <paramref name="stopping"/> is cancelled or the owner refuses this worker.</summary>
    private async Task ServeUntilStoppedAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            IHost? client = null;
            ITrialDispatchGrain? grain = null;
            try
            {
                client = await WorkerClient.StartAsync(settings, Waiting, stopping).ConfigureAwait(false);
                grain = client.Services.GetRequiredService<IClusterClient>().GetGrain<ITrialDispatchGrain>(0);
                // Grain calls take no token: a stopping worker leaves a call to an unreachable owner behind.
                await ServeAsync(grain, stopping).WaitAsync(stopping).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not ClusterException && !stopping.IsCancellationRequested)
            {
                if (!_joinedOnce && ClusterErrors.RedisFailed(e) is not null) throw ClusterErrors.Explain(e, settings)!;
                if (!_serving) Waiting(e.Message);
                else
                {
                    logger.LogInformation("worker {Name}: lost the owner ({Message}); waiting to join again", Name, e.Message);
                    _serving = false;
                    _waitingLogged = true; // one line per loss, not per retry
                }
            }
            finally
            {
                if (Interlocked.Exchange(ref _session, null) is { } session && grain is not null && stopping.IsCancellationRequested)
                    await LeaveAsync(grain, session).ConfigureAwait(false);
                if (client is not null) await StopQuietlyAsync(client).ConfigureAwait(false);
            }
            await Task.Delay(TimeSpan.FromSeconds(1), stopping).ConfigureAwait(false);
        }
    }

    private void Waiting(string why)
    {
        if (_waitingLogged) return;
        _waitingLogged = true;
        logger.LogInformation("worker {Name}: waiting for the owner ({Why})", Name, why);
    }

    private async Task ServeAsync(ITrialDispatchGrain grain, CancellationToken cancellationToken)
    {
        while (true)
        {
            var session = await JoinAsync(grain, cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _session, session);
            using var lost = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var heartbeat = HeartbeatAsync(grain, session, lost);
            try
            {
                await TakeLoopAsync(grain, session, lost.Token, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The heartbeat found the session gone (or the owner unreachable); its own outcome says which.
            }
            finally
            {
                await lost.CancelAsync().ConfigureAwait(false);
            }
            await heartbeat.ConfigureAwait(false); // rethrows a lost connection
            cancellationToken.ThrowIfCancellationRequested();
            logger.LogInformation("worker {Name}: the owner no longer knows this worker; joining again", Name);
        }
    }

    private async Task<string> JoinAsync(ITrialDispatchGrain grain, CancellationToken cancellationToken)
    {
        while (true)
        {
            var nonce = await grain.Challenge().ConfigureAwait(false);
            var reply = await grain.Join(new JoinRequest
            {
                Worker = Name, Nonce = nonce, Proof = ClusterSecret.Proof(settings.Secret, nonce, Name), Identity = identity,
            }).ConfigureAwait(false);
            if (reply.Session is { } session)
            {
                _joinedOnce = _serving = true;
                _waitingLogged = false;
                logger.LogInformation("worker {Name}: joined; waiting for trials", Name);
                return session;
            }
            if (!reply.Retry) throw new ClusterException(reply.Refusal ?? "the owner refused this worker");
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task TakeLoopAsync(ITrialDispatchGrain grain, string session, CancellationToken token, CancellationToken stopping)
    {
        while (!token.IsCancellationRequested)
        {
            var reply = await grain.Take(session, TakeWaitMilliseconds).ConfigureAwait(false);
            if (reply.SessionUnknown) return;
            if (reply.Assignment is not { } assignment) continue;
            var result = await Task.Run(() => pipeline.RunAsync(assignment, token), CancellationToken.None).ConfigureAwait(false);
            // A stopping worker tells the owner it leaves, which puts its trial back in the queue: the refusal is expected then.
            if (!await grain.Complete(session, result).ConfigureAwait(false) && !stopping.IsCancellationRequested)
                logger.LogWarning("worker {Name}: the owner did not take this result: the trial had gone back to the queue (this worker left, or the owner counted it lost)", Name);
        }
    }

    /// <summary>Beats until the session ends; cancels it when the owner no longer knows it or cannot be reached (then rethrows).</summary>
    private async Task HeartbeatAsync(ITrialDispatchGrain grain, string session, CancellationTokenSource lost)
    {
        try
        {
            while (!lost.IsCancellationRequested)
            {
                await Task.Delay(HeartbeatPeriod, lost.Token).ConfigureAwait(false);
                if (!await grain.Heartbeat(session).ConfigureAwait(false)) break;
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
            return;
        }
        catch
        {
            await lost.CancelAsync().ConfigureAwait(false);
            throw;
        }
        await lost.CancelAsync().ConfigureAwait(false);
    }

    /// <summary>Tells the owner this worker stops, so that its trial goes to another worker now rather than after the worker timeout.</summary>
    private async Task LeaveAsync(ITrialDispatchGrain grain, string session)
    {
        try
        {
            if (await grain.Leave(session).WaitAsync(LeaveWait).ConfigureAwait(false)) logger.LogInformation("worker {Name}: left the cluster", Name);
        }
        catch (Exception e)
        {
            logger.LogInformation("worker {Name}: could not tell the owner it leaves ({Message}); the owner finds out after its worker timeout", Name, e.Message);
        }
    }

    private static async Task StopQuietlyAsync(IHost client)
    {
        try
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await client.StopAsync(stop.Token).ConfigureAwait(false);
        }
        catch (Exception) { /* the owner is gone: nothing to say goodbye to */ }
        client.Dispose();
    }
}
