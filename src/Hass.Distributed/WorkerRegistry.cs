using Microsoft.Extensions.Logging;

namespace Hass.Distributed;

/// <summary>A worker the owner accepted: its session, what it holds and when it was last heard from.</summary>
internal sealed class WorkerEntry(string name, DateTimeOffset now)
{
    public string Name { get; } = name;
    public DateTimeOffset LastSeen { get; set; } = now;
    public HashSet<long> Leases { get; } = [];
    public int Completed { get; set; }
}

/// <summary>
/// The owner's side of the handshake: one-use nonces, the secret proof, the identity check and the sessions of
/// accepted workers. Not thread-safe: <see cref="TrialDispatch"/> calls it under its lock.
/// </summary>
internal sealed class WorkerRegistry(ClusterSettings settings, TimeProvider time, ILogger logger)
{
    private static readonly TimeSpan NonceLifetime = TimeSpan.FromMinutes(1);
    private readonly Dictionary<string, DateTimeOffset> _nonces = [];

    public Dictionary<string, WorkerEntry> Sessions { get; } = [];
    /// <summary>The owner's identity, once its search opened; workers that join before are asked to come back.</summary>
    public IReadOnlyDictionary<string, string>? OwnerIdentity { get; set; }

    public string Challenge()
    {
        var nonce = ClusterSecret.NewNonce();
        _nonces[nonce] = time.GetUtcNow() + NonceLifetime;
        return nonce;
    }

    public bool Proves(string caller, string nonce, string proof) =>
        _nonces.Remove(nonce, out var expires) && expires >= time.GetUtcNow() && ClusterSecret.Verify(settings.Secret, nonce, caller, proof);

    public JoinReply Join(JoinRequest request)
    {
        var now = time.GetUtcNow();
        if (!Proves(request.Worker, request.Nonce, request.Proof))
        {
            logger.LogWarning("refused worker {Worker}: it does not know the cluster secret", request.Worker);
            return new JoinReply { Refusal = "the owner refused this worker: wrong cluster secret (HASS_CLUSTER_SECRET or --secret-file must be the owner's)" };
        }
        if (OwnerIdentity is null) return new JoinReply { Refusal = "the owner is still opening its campaign", Retry = true };
        if (WorkerIdentity.Difference(OwnerIdentity, request.Identity) is { } difference)
        {
            logger.LogWarning("refused worker {Worker}: its evaluator differs from the owner's ({Difference})", request.Worker, difference);
            return new JoinReply { Refusal = $"the owner refused this worker: its evaluator differs from the owner's ({difference})" };
        }
        var session = ClusterSecret.NewNonce();
        Sessions[session] = new WorkerEntry(request.Worker, now);
        logger.LogInformation("worker {Worker} joined ({Count} worker(s))", request.Worker, Sessions.Count);
        return new JoinReply { Session = session };
    }

    public WorkerEntry? Seen(string session)
    {
        if (!Sessions.TryGetValue(session, out var worker)) return null;
        worker.LastSeen = time.GetUtcNow();
        return worker;
    }

    /// <summary>Sessions silent past the worker timeout; expired nonces are dropped on the way.</summary>
    public List<string> Silent()
    {
        var now = time.GetUtcNow();
        foreach (var nonce in _nonces.Where(n => n.Value < now).Select(n => n.Key).ToList()) _nonces.Remove(nonce);
        return Sessions.Where(s => now - s.Value.LastSeen > settings.WorkerTimeout).Select(s => s.Key).ToList();
    }
}
