namespace Hass.Distributed;

/// <summary>
/// The owner's trial dispatch, seen from a worker. It lives on the owner (the cluster's one silo); workers are
/// cluster clients. Every call after <see cref="Join"/> carries the session the owner issued; a call with a session
/// the owner does not know (a stranger, a worker declared lost, a restarted owner) is refused.
/// </summary>
[Alias("hass.ITrialDispatchGrain")]
public interface ITrialDispatchGrain : IGrainWithIntegerKey
{
    /// <summary>A one-use nonce the worker proves the cluster secret with.</summary>
    [Alias("challenge")] Task<string> Challenge();
    [Alias("join")] Task<JoinReply> Join(JoinRequest request);
    /// <summary>The next trial to run; none when none came within <paramref name="waitMilliseconds"/>.</summary>
    [Alias("take")] Task<TakeReply> Take(string session, int waitMilliseconds);
    /// <summary>False when the owner no longer knows the session (the worker must join again).</summary>
    [Alias("heartbeat")] Task<bool> Heartbeat(string session);
    /// <summary>False when the result was not accepted (unknown session, or the trial went to another worker).</summary>
    [Alias("complete")] Task<bool> Complete(string session, TrialResult result);
    /// <summary>The worker is stopping: its trials go back to the queue at once. False when the owner does not know the session.</summary>
    [Alias("leave")] Task<bool> Leave(string session);
    /// <summary>The workers and the queue, for a caller that proves the secret like a joining worker (null when it does not).</summary>
    [Alias("status")] Task<ClusterStatus?> Status(string caller, string nonce, string proof);
}

[GenerateSerializer, Immutable, Alias("hass.JoinRequest")]
public sealed class JoinRequest
{
    /// <summary>Name of the worker for the owner's messages (host and process id).</summary>
    [Id(0)] public required string Worker { get; init; }
    [Id(1)] public required string Nonce { get; init; }
    /// <summary>HMAC-SHA256 of nonce and worker name under the cluster secret (<see cref="ClusterSecret"/>).</summary>
    [Id(2)] public required string Proof { get; init; }
    /// <summary>The worker's evaluator fingerprint, part by part, with its plugin versions and board (<see cref="WorkerIdentity"/>).</summary>
    [Id(3)] public required Dictionary<string, string> Identity { get; init; }
}

[GenerateSerializer, Immutable, Alias("hass.JoinReply")]
public sealed class JoinReply
{
    [Id(0)] public string? Session { get; init; }
    /// <summary>Why the worker was refused (null when it joined).</summary>
    [Id(1)] public string? Refusal { get; init; }
    /// <summary>The refusal is passing (the owner is still starting its search): join again later.</summary>
    [Id(2)] public bool Retry { get; init; }
}

[GenerateSerializer, Immutable, Alias("hass.TakeReply")]
public sealed class TakeReply
{
    [Id(0)] public TrialAssignment? Assignment { get; init; }
    /// <summary>The owner does not know the session (it declared the worker lost, or it restarted): join again.</summary>
    [Id(1)] public bool SessionUnknown { get; init; }
}

/// <summary>One trial's network stages for a worker: the running record and the evaluation request, as JSON.</summary>
[GenerateSerializer, Immutable, Alias("hass.TrialAssignment")]
public sealed class TrialAssignment
{
    [Id(0)] public required long Lease { get; init; }
    [Id(1)] public required string RecordJson { get; init; }
    [Id(2)] public required string RequestJson { get; init; }
}

/// <summary>What the worker's evaluate, profile and design stages produced (JSON), or the error that failed the trial.</summary>
[GenerateSerializer, Immutable, Alias("hass.TrialResult")]
public sealed class TrialResult
{
    [Id(0)] public required long Lease { get; init; }
    [Id(1)] public string? EvaluationJson { get; init; }
    [Id(2)] public string? DesignJson { get; init; }
    [Id(3)] public double DesignSeconds { get; init; }
    [Id(4)] public string? Error { get; init; }
    /// <summary>The worker the result came from: set by the owner when it accepts the result (whatever a worker sends here is replaced).</summary>
    [Id(5)] public string? Worker { get; init; }
}

[GenerateSerializer, Immutable, Alias("hass.WorkerStatus")]
public sealed class WorkerStatus
{
    [Id(0)] public required string Worker { get; init; }
    [Id(1)] public int InFlight { get; init; }
    [Id(2)] public int Completed { get; init; }
}

[GenerateSerializer, Immutable, Alias("hass.ClusterStatus")]
public sealed class ClusterStatus
{
    [Id(0)] public List<WorkerStatus> Workers { get; init; } = [];
    [Id(1)] public int Queued { get; init; }
    [Id(2)] public int Completed { get; init; }
    [Id(3)] public int Redispatched { get; init; }
    /// <summary>Trials completed by workers per minute since the owner started.</summary>
    [Id(4)] public double TrialsPerMinute { get; init; }
}
