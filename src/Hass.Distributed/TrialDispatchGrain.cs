using Orleans.Concurrency;

namespace Hass.Distributed;

/// <summary>
/// The cluster face of the owner's <see cref="TrialDispatch"/>. The owner is the cluster's only silo (workers are
/// clients), so this grain always lives in the owner's process; reentrant, because a worker's Take waits for work
/// while others complete theirs.
/// </summary>
[Reentrant]
public sealed class TrialDispatchGrain(TrialDispatch dispatch) : Grain, ITrialDispatchGrain
{
    /// <summary>How long a Take may wait for a trial (well inside Orleans' 30 s response timeout).</summary>
    public static readonly TimeSpan MaxTakeWait = TimeSpan.FromSeconds(10);

    public Task<string> Challenge() => Task.FromResult(dispatch.Challenge());

    public Task<JoinReply> Join(JoinRequest request) => Task.FromResult(dispatch.Join(request));

    public Task<TakeReply> Take(string session, int waitMilliseconds) =>
        dispatch.TakeAsync(session, TimeSpan.FromMilliseconds(Math.Clamp(waitMilliseconds, 0, (int)MaxTakeWait.TotalMilliseconds)));

    public Task<bool> Heartbeat(string session) => Task.FromResult(dispatch.Heartbeat(session));

    public Task<bool> Complete(string session, TrialResult result) => Task.FromResult(dispatch.Complete(session, result));

    public Task<bool> Leave(string session) => Task.FromResult(dispatch.Leave(session));

    public Task<ClusterStatus?> Status(string caller, string nonce, string proof) =>
        Task.FromResult(dispatch.Proves(caller, nonce, proof) ? dispatch.Status() : null);
}
