using Hass.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Hass.Distributed.Tests;

/// <summary>A clock the test moves by hand (the dispatch reads time only through it).</summary>
internal sealed class ManualClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public override DateTimeOffset GetUtcNow() => Now;
}

/// <summary>Keeps the dispatch's log lines as they would be printed.</summary>
internal sealed class RecordingLogger : ILogger<TrialDispatch>
{
    public List<string> Lines { get; } = [];
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
    public bool IsEnabled(LogLevel logLevel) => true;
    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Lines.Add(formatter(state, exception));
}

public class TrialDispatchTests
{
    internal const string Secret = "lab-secret";
    internal static readonly Dictionary<string, string> Identity = new() { ["checkpoint"] = "aaaa", ["dataset"] = "fashion-mnist", ["evaluator"] = "f1" };
    private readonly ManualClock _clock = new();
    private readonly RecordingLogger _log = new();

    private TrialDispatch Dispatch(TimeSpan? trialTimeout = null)
    {
        var settings = new ClusterSettings
        {
            Address = ClusterAddress.Parse("local"), ClusterId = "hass-test", Secret = Secret,
            TrialTimeout = trialTimeout ?? TimeSpan.FromMinutes(30), WorkerTimeout = TimeSpan.FromSeconds(5),
        };
        var dispatch = new TrialDispatch(settings, _log, _clock);
        dispatch.Open(Identity);
        return dispatch;
    }

    internal static JoinReply Join(TrialDispatch dispatch, string worker, string secret = Secret, Dictionary<string, string>? identity = null)
    {
        var nonce = dispatch.Challenge();
        return dispatch.Join(new JoinRequest { Worker = worker, Nonce = nonce, Proof = ClusterSecret.Proof(secret, nonce, worker), Identity = identity ?? Identity });
    }

    internal static string Session(TrialDispatch dispatch, string worker) => Join(dispatch, worker).Session ?? throw new InvalidOperationException("refused");

    private static async Task<TrialAssignment> TakeAsync(TrialDispatch dispatch, string session) =>
        (await dispatch.TakeAsync(session, TimeSpan.FromSeconds(5))).Assignment ?? throw new InvalidOperationException("no trial");

    private static TrialResult Result(long lease, string evaluation) => new() { Lease = lease, EvaluationJson = evaluation };

    [Fact]
    public async Task A_trial_goes_to_a_worker_and_its_result_back_to_the_owner()
    {
        var dispatch = Dispatch();
        var session = Session(dispatch, "w1");
        var submitted = dispatch.SubmitAsync("{record}", "{request}", 1, default);
        var assignment = await TakeAsync(dispatch, session);
        Assert.Equal("{record}", assignment.RecordJson);
        Assert.True(dispatch.Complete(session, Result(assignment.Lease, "{eval}")));
        Assert.Equal("{eval}", (await submitted).EvaluationJson);
        Assert.Equal(1, dispatch.Status().Completed);
    }

    [Fact]
    public async Task A_worker_that_left_while_waiting_passes_the_next_trial_on_to_a_waiting_worker()
    {
        var dispatch = Dispatch();
        var (gone, live) = (Session(dispatch, "w1"), Session(dispatch, "w2"));
        var staleTake = dispatch.TakeAsync(gone, TimeSpan.FromMinutes(1));
        var liveTake = dispatch.TakeAsync(live, TimeSpan.FromMinutes(1));
        Assert.True(dispatch.Leave(gone));
        _ = dispatch.SubmitAsync("{record}", "{request}", 1, default);
        Assert.True((await staleTake.WaitAsync(TimeSpan.FromSeconds(30))).SessionUnknown);
        // Without the signal passed on, the live worker would only find the trial after its minute of waiting.
        Assert.NotNull((await liveTake.WaitAsync(TimeSpan.FromSeconds(30))).Assignment);
    }

    [Fact]
    public void A_worker_with_the_wrong_secret_is_refused_and_gets_no_session()
    {
        var reply = Join(Dispatch(), "stranger", secret: "guessed");
        Assert.Null(reply.Session);
        Assert.False(reply.Retry);
        Assert.Contains("wrong cluster secret", reply.Refusal);
    }

    [Fact]
    public void A_nonce_proves_the_secret_once()
    {
        var dispatch = Dispatch();
        var nonce = dispatch.Challenge();
        var request = new JoinRequest { Worker = "w1", Nonce = nonce, Proof = ClusterSecret.Proof(Secret, nonce, "w1"), Identity = Identity };
        Assert.NotNull(dispatch.Join(request).Session);
        Assert.Contains("wrong cluster secret", dispatch.Join(request).Refusal); // a replayed join is a stranger's
    }

    [Fact]
    public void A_worker_with_another_checkpoint_is_refused_naming_the_checkpoint()
    {
        var other = new Dictionary<string, string>(Identity) { ["checkpoint"] = "bbbb", ["evaluator"] = "f2" };
        var reply = Join(Dispatch(), "w1", identity: other);
        Assert.Null(reply.Session);
        Assert.Equal("the owner refused this worker: its evaluator differs from the owner's (checkpoint: owner aaaa, worker bbbb)", reply.Refusal);
    }

    [Fact]
    public void A_worker_that_joins_before_the_owner_opened_its_search_is_asked_to_come_back()
    {
        var dispatch = new TrialDispatch(new ClusterSettings { Address = ClusterAddress.Parse("local"), ClusterId = "c", Secret = Secret }, NullLogger<TrialDispatch>.Instance, _clock);
        var reply = Join(dispatch, "w1");
        Assert.True(reply.Retry);
        Assert.Null(reply.Session);
    }

    [Fact]
    public async Task A_silent_worker_is_lost_its_trial_goes_to_another_and_its_late_result_is_refused()
    {
        var dispatch = Dispatch();
        var first = Session(dispatch, "w1");
        var submitted = dispatch.SubmitAsync("{record}", "{request}", 7, default);
        var lost = await TakeAsync(dispatch, first);
        var second = Session(dispatch, "w2");
        _clock.Now += TimeSpan.FromSeconds(4);
        Assert.True(dispatch.Heartbeat(second));
        _clock.Now += TimeSpan.FromSeconds(2); // w1 silent for 6 s, w2 for 2 s
        dispatch.Sweep();

        Assert.True((await dispatch.TakeAsync(first, TimeSpan.Zero)).SessionUnknown);
        var again = await TakeAsync(dispatch, second);
        Assert.Equal("{record}", again.RecordJson);
        Assert.False(dispatch.Complete(first, Result(lost.Lease, "{late}")));
        Assert.True(dispatch.Complete(second, Result(again.Lease, "{eval}")));
        Assert.Equal("{eval}", (await submitted).EvaluationJson);
        Assert.Equal(1, dispatch.Status().Redispatched);
    }

    [Fact]
    public async Task A_worker_holding_a_trial_past_the_trial_timeout_is_lost_though_it_beats()
    {
        var dispatch = Dispatch(trialTimeout: TimeSpan.FromSeconds(10));
        var hanging = Session(dispatch, "w1");
        _ = dispatch.SubmitAsync("{record}", "{request}", 3, default);
        await TakeAsync(dispatch, hanging);
        for (int i = 0; i < 4; i++)
        {
            _clock.Now += TimeSpan.FromSeconds(3);
            Assert.True(dispatch.Heartbeat(hanging));
            dispatch.Sweep();
        }
        Assert.False(dispatch.Heartbeat(hanging));
        Assert.Equal(1, dispatch.Status().Queued);
    }

    [Fact]
    public async Task A_trial_whose_workers_are_all_lost_fails_after_the_last_attempt()
    {
        var dispatch = Dispatch();
        var submitted = dispatch.SubmitAsync("{record}", "{request}", 5, default);
        for (int i = 0; i < TrialDispatch.MaxLostWorkers; i++)
        {
            var session = Session(dispatch, $"w{i}");
            await TakeAsync(dispatch, session);
            _clock.Now += TimeSpan.FromSeconds(6);
            dispatch.Sweep();
        }
        var error = await Assert.ThrowsAsync<TrialLostException>(() => submitted);
        Assert.Contains("trial 5", error.Message);
    }

    [Fact]
    public async Task A_worker_that_leaves_gives_its_trial_back_at_the_front_at_once_and_its_late_result_is_refused()
    {
        var dispatch = Dispatch();
        var leaving = Session(dispatch, "w1");
        var submitted = dispatch.SubmitAsync("{record 7}", "{request}", 7, default);
        var left = await TakeAsync(dispatch, leaving);
        _ = dispatch.SubmitAsync("{record 8}", "{request}", 8, default);
        var staying = Session(dispatch, "w2");

        Assert.True(dispatch.Leave(leaving)); // no time passes: no timeout explains what follows
        Assert.Equal("worker w1 left: trial 7 goes back to the queue", Assert.Single(_log.Lines, l => l.Contains("left")));
        Assert.False(dispatch.Heartbeat(leaving));
        Assert.Equal(["w2"], dispatch.Status().Workers.Select(w => w.Worker));
        var again = await TakeAsync(dispatch, staying);
        Assert.Equal("{record 7}", again.RecordJson);
        Assert.False(dispatch.Complete(leaving, Result(left.Lease, "{late}")));
        Assert.True(dispatch.Complete(staying, Result(again.Lease, "{eval}")));
        Assert.Equal("{eval}", (await submitted).EvaluationJson);
        Assert.Equal((1, 1), (dispatch.Status().Completed, dispatch.Status().Redispatched));
    }

    [Fact]
    public void A_worker_that_leaves_with_nothing_in_flight_is_removed_and_a_second_leave_is_ignored()
    {
        var dispatch = Dispatch();
        var session = Session(dispatch, "w1");
        Assert.True(dispatch.Leave(session));
        Assert.False(dispatch.Leave(session));
        Assert.False(dispatch.Leave("forged"));
        Assert.Equal("worker w1 left", Assert.Single(_log.Lines, l => l.Contains("left")));
        Assert.Empty(dispatch.Status().Workers);
    }

    [Fact]
    public async Task Workers_that_leave_do_not_count_towards_the_lost_workers_that_fail_a_trial()
    {
        var dispatch = Dispatch();
        var submitted = dispatch.SubmitAsync("{record}", "{request}", 5, default);
        for (int i = 0; i < TrialDispatch.MaxLostWorkers + 1; i++)
        {
            var session = Session(dispatch, $"leaving{i}");
            await TakeAsync(dispatch, session);
            Assert.True(dispatch.Leave(session));
        }
        for (int i = 0; i < TrialDispatch.MaxLostWorkers; i++)
        {
            Assert.False(submitted.IsCompleted, $"the trial failed after {i} lost worker(s)");
            var session = Session(dispatch, $"lost{i}");
            await TakeAsync(dispatch, session);
            _clock.Now += TimeSpan.FromSeconds(6);
            dispatch.Sweep();
        }
        var error = await Assert.ThrowsAsync<TrialLostException>(() => submitted);
        Assert.StartsWith($"{TrialDispatch.MaxLostWorkers} workers were lost while running trial 5; last: lost2", error.Message);
    }

    [Fact]
    public async Task A_cancelled_trial_leaves_the_queue_and_its_result_is_refused()
    {
        var dispatch = Dispatch();
        var session = Session(dispatch, "w1");
        using var cancel = new CancellationTokenSource();
        var submitted = dispatch.SubmitAsync("{record}", "{request}", 2, cancel.Token);
        var assignment = await TakeAsync(dispatch, session);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => submitted);
        Assert.False(dispatch.Complete(session, Result(assignment.Lease, "{eval}")));
    }

    [Fact]
    public void A_session_nobody_was_given_completes_nothing()
    {
        var dispatch = Dispatch();
        Assert.False(dispatch.Complete("forged", Result(1, "{eval}")));
        Assert.False(dispatch.Heartbeat("forged"));
    }
}

public class ClusterLineTests
{
    [Fact]
    public void The_cluster_line_shows_each_worker_its_trials_and_the_rate()
    {
        var status = new ClusterStatus
        {
            Workers = [new WorkerStatus { Worker = "a:1", InFlight = 1, Completed = 10 }, new WorkerStatus { Worker = "b:2", InFlight = 0, Completed = 20 }],
            Queued = 3, Completed = 30, Redispatched = 1,
        };
        Assert.Equal("cluster: 2 worker(s) [a:1 1 in flight/10 done, b:2 0 in flight/20 done], 1 trial(s) in flight, 3 queued, 30 done (15.0 trials/min), 1 re-dispatched",
            DispatchSweeper.ClusterLine(status, TimeSpan.FromMinutes(2)));
    }
}
