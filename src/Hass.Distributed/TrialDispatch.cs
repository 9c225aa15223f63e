using Microsoft.Extensions.Logging;

namespace Hass.Distributed;

/// <summary>A trial the owner sent to a worker was lost too often (every worker that took it died or timed out).</summary>
public sealed class TrialLostException(string message) : Exception(message);

/// <summary>A trial whose network stages failed on a worker (the worker's error message).</summary>
public sealed class RemoteTrialException(string message) : Exception(message);

/// <summary>
/// The owner's queue of trials for workers. The owner's pipelines submit trials and await their results; workers
/// (through <see cref="TrialDispatchGrain"/>) take them under a lease and complete them. A worker lost (silent past
/// the worker timeout, or holding a trial past the trial timeout) loses its leases: its trials go back to the front
/// of the queue for another worker, and a late result of a lease no longer held is refused, so each trial is
/// completed once. A worker that stops gracefully leaves the same way at once, without counting as lost.
/// </summary>
public sealed class TrialDispatch
{
    /// <summary>A trial that loses this many workers fails (workers that leave are not lost).</summary>
    public const int MaxLostWorkers = 3;

    private sealed class Pending(string recordJson, string requestJson, int number)
    {
        public string RecordJson { get; } = recordJson;
        public string RequestJson { get; } = requestJson;
        public int Number { get; } = number;
        public int LostWorkers { get; set; }
        public TaskCompletionSource<TrialResult> Result { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Lease(Pending Trial, string Session, DateTimeOffset Deadline);

    private readonly object _gate = new();
    private readonly LinkedList<Pending> _queue = new();
    private readonly Dictionary<long, Lease> _leases = [];
    private readonly SemaphoreSlim _queued = new(0);
    private readonly WorkerRegistry _workers;
    private readonly ClusterSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DateTimeOffset _started;
    private long _nextLease;
    private int _completed;
    private int _redispatched;

    public TrialDispatch(ClusterSettings settings, ILogger<TrialDispatch> logger, TimeProvider? time = null)
    {
        _settings = settings;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        _workers = new WorkerRegistry(settings, _time, logger);
        _started = _time.GetUtcNow();
    }

    /// <summary>Workers must match <paramref name="identity"/> from now on (a new search of the same owner).</summary>
    public void Open(IReadOnlyDictionary<string, string> identity)
    {
        lock (_gate) _workers.OwnerIdentity = identity;
    }

    public string Challenge() { lock (_gate) return _workers.Challenge(); }

    public JoinReply Join(JoinRequest request) { lock (_gate) return _workers.Join(request); }

    /// <summary>True when <paramref name="proof"/> proves the secret for a nonce this owner issued (the nonce is used up).</summary>
    public bool Proves(string caller, string nonce, string proof) { lock (_gate) return _workers.Proves(caller, nonce, proof); }

    public bool Heartbeat(string session) { lock (_gate) return _workers.Seen(session) is not null; }

    /// <summary>Queues a trial and waits for a worker's result; cancelling takes it back from the queue or its worker.</summary>
    public async Task<TrialResult> SubmitAsync(string recordJson, string requestJson, int number, CancellationToken cancellationToken)
    {
        var pending = new Pending(recordJson, requestJson, number);
        lock (_gate) _queue.AddLast(pending);
        _queued.Release();
        await using var registration = cancellationToken.Register(() => Withdraw(pending));
        return await pending.Result.Task.ConfigureAwait(false);
    }

    private void Withdraw(Pending pending)
    {
        lock (_gate)
        {
            _queue.Remove(pending);
            foreach (var (lease, held) in _leases.Where(l => l.Value.Trial == pending).ToList())
            {
                _leases.Remove(lease);
                if (_workers.Sessions.TryGetValue(held.Session, out var worker)) worker.Leases.Remove(lease);
            }
        }
        pending.Result.TrySetCanceled();
    }

    /// <summary>The next queued trial for the worker, waiting up to <paramref name="wait"/> for one.</summary>
    public async Task<TakeReply> TakeAsync(string session, TimeSpan wait)
    {
        var deadline = _time.GetUtcNow() + wait;
        var woken = false;
        while (true)
        {
            lock (_gate)
            {
                if (_workers.Seen(session) is not { } worker)
                {
                    // A worker that left or was lost while it waited must not swallow the signal a live worker waits for.
                    if (woken && _queue.Count > 0) _queued.Release();
                    return new TakeReply { SessionUnknown = true };
                }
                if (_queue.First is { } first)
                {
                    _queue.RemoveFirst();
                    var lease = ++_nextLease;
                    _leases[lease] = new Lease(first.Value, session, _time.GetUtcNow() + _settings.TrialTimeout);
                    worker.Leases.Add(lease);
                    return new TakeReply { Assignment = new TrialAssignment { Lease = lease, RecordJson = first.Value.RecordJson, RequestJson = first.Value.RequestJson } };
                }
            }
            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero || !await _queued.WaitAsync(left).ConfigureAwait(false)) return new TakeReply();
            woken = true;
        }
    }

    /// <summary>
    /// Accepts a result of a lease the session still holds, naming the session's worker on it; anything else (a stranger, a lost
    /// worker's late answer) is refused.
    /// </summary>
    public bool Complete(string session, TrialResult result)
    {
        Pending trial;
        string name;
        lock (_gate)
        {
            if (_workers.Seen(session) is not { } worker || !_leases.TryGetValue(result.Lease, out var lease) || lease.Session != session) return false;
            _leases.Remove(result.Lease);
            worker.Leases.Remove(result.Lease);
            worker.Completed++;
            _completed++;
            trial = lease.Trial;
            name = worker.Name;
        }
        trial.Result.TrySetResult(new TrialResult
        {
            Lease = result.Lease, EvaluationJson = result.EvaluationJson, DesignJson = result.DesignJson, DesignSeconds = result.DesignSeconds, Error = result.Error, Worker = name,
        });
        return true;
    }

    /// <summary>Declares lost the workers silent past the worker timeout and those holding a trial past the trial timeout.</summary>
    public void Sweep()
    {
        lock (_gate)
        {
            foreach (var session in _workers.Silent()) Lose(session, $"no heartbeat for {_settings.WorkerTimeout.TotalSeconds:0.#} s");
            var now = _time.GetUtcNow();
            foreach (var lease in _leases.Values.Where(l => l.Deadline < now).ToList())
                if (_workers.Sessions.ContainsKey(lease.Session))
                    Lose(lease.Session, $"trial {lease.Trial.Number} ran past the trial timeout ({_settings.TrialTimeout})");
        }
    }

    /// <summary>
    /// A worker stopping (Ctrl-C, SIGTERM) says so: it is removed at once and its trials go back to the front of the
    /// queue as a lost worker's do, but it does not count towards <see cref="MaxLostWorkers"/>: stopping a worker is
    /// no sign that its trial is poisonous. False for a session the owner does not know.
    /// </summary>
    public bool Leave(string session)
    {
        lock (_gate)
        {
            if (!_workers.Sessions.Remove(session, out var worker)) return false;
            var requeued = Release(worker, lostBecause: null);
            _logger.LogInformation("worker {Worker} left{Requeued}", worker.Name, GoesBack(requeued));
            return true;
        }
    }

    private void Lose(string session, string why)
    {
        if (!_workers.Sessions.Remove(session, out var worker)) return;
        var requeued = Release(worker, lostBecause: why);
        _logger.LogWarning("worker {Worker} lost ({Why}){Requeued}", worker.Name, why, GoesBack(requeued));
    }

    /// <summary>
    /// Takes back the leases of a removed worker and puts their trials at the front of the queue; the trials it was
    /// lost on (<paramref name="lostBecause"/> given) fail instead once they lost <see cref="MaxLostWorkers"/> workers.
    /// </summary>
    private List<int> Release(WorkerEntry worker, string? lostBecause)
    {
        var requeued = new List<int>();
        foreach (var id in worker.Leases)
        {
            if (!_leases.Remove(id, out var lease)) continue;
            if (lostBecause is not null && ++lease.Trial.LostWorkers >= MaxLostWorkers)
            {
                lease.Trial.Result.TrySetException(new TrialLostException(
                    $"{MaxLostWorkers} workers were lost while running trial {lease.Trial.Number}; last: {worker.Name} ({lostBecause})"));
                continue;
            }
            _queue.AddFirst(lease.Trial);
            requeued.Add(lease.Trial.Number);
            _redispatched++;
            _queued.Release();
        }
        return requeued;
    }

    private static string GoesBack(List<int> requeued) =>
        requeued.Count > 0 ? $": trial {string.Join(", ", requeued)} goes back to the queue" : "";

    public ClusterStatus Status()
    {
        lock (_gate)
        {
            return new ClusterStatus
            {
                Workers = _workers.Sessions.Values.Select(w => new WorkerStatus { Worker = w.Name, InFlight = w.Leases.Count, Completed = w.Completed }).ToList(),
                Queued = _queue.Count, Completed = _completed, Redispatched = _redispatched,
                TrialsPerMinute = _time.GetUtcNow() - _started is { TotalMinutes: > 0 } elapsed ? _completed / elapsed.TotalMinutes : 0,
            };
        }
    }
}
