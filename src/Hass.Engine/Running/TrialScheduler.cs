using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// Keeps up to one trial in flight per executor: asks the study while trials run, tells it each result in
/// completion order, and stops on the budget, the wall time, the strategy, failures in a row or cancellation
/// (trials in flight then end Abandoned). Every study call happens on this loop: the study is the single writer of trials.
/// A trial still in its design stage <paramref name="stopGrace"/> (default <see cref="StopGrace.Default"/>) after an interrupt, because
/// the backend ignores cancellation, is left to run out in the background and stored Abandoned, so the run still stops; the warning names
/// the backend as <paramref name="backend"/> says (<see cref="Plugins.CheckedBackend.WhoIs"/>).
/// </summary>
internal sealed class TrialScheduler(CampaignSpec spec, Study study, EvaluationRequest request, ICampaignObserver observer,
    Func<TimeSpan> elapsed, Func<CampaignProgress> progress, string backend, StopGrace? stopGrace = null)
{
    private readonly StopGrace _stopGrace = stopGrace ?? StopGrace.Default;

    private readonly Dictionary<Task<TrialRecord>, (ITrialExecutor Executor, TrialWork Work)> _running = [];
    private int _consecutiveFailures;
    private string? _failure;

    public int RunThisSession { get; private set; }

    /// <summary>Runs trials until a stop; <paramref name="finished"/> sees each stored trial. Returns how the search ended.</summary>
    public async Task<(CampaignStatus Status, string Message)> RunAsync(IReadOnlyList<ITrialExecutor> executors, Action<TrialRecord> finished,
        CancellationToken cancellationToken)
    {
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await LoopAsync(executors, finished, abort.Token).ConfigureAwait(false);
        }
        catch
        {
            // A store that cannot be written ends the run: the other trials in flight stop before it is closed.
            await abort.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(_running.Keys.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default))).ConfigureAwait(false);
            throw;
        }
        if (cancellationToken.IsCancellationRequested) return (CampaignStatus.Interrupted, "interrupted");
        if (_failure is not null) return (CampaignStatus.Failed, _failure);
        return (CampaignStatus.Complete, StopReason(cancellationToken) ?? "");
    }

    private async Task LoopAsync(IReadOnlyList<ITrialExecutor> executors, Action<TrialRecord> finished, CancellationToken cancellationToken)
    {
        var idle = new Queue<ITrialExecutor>(executors);
        while (true)
        {
            while (idle.Count > 0 && StopReason(cancellationToken) is null)
            {
                var executor = idle.Dequeue();
                var work = StartTrial(executor, cancellationToken, out var trial);
                _running[trial] = (executor, work);
            }
            if (_running.Count == 0) return;
            if (await NextDoneAsync(cancellationToken).ConfigureAwait(false) is not { } done)
            {
                AbandonStuck(finished);
                return;
            }
            idle.Enqueue(_running[done].Executor);
            _running.Remove(done);
            var record = await done.ConfigureAwait(false);
            study.Tell(record);
            if (record.State != TrialState.Abandoned) RunThisSession++;
            finished(record);
            CountFailures(record);
        }
    }

    /// <summary>Why no further trial may start now; null when one may.</summary>
    private string? StopReason(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested) return "interrupted";
        if (_failure is not null) return _failure;
        if (spec.Budget.Trials is { } budget && study.Counted + _running.Count >= budget) return $"trial budget reached ({budget})";
        if (spec.Budget.WallTime is { } wall && elapsed() >= wall) return $"wall-time budget reached ({wall})";
        if (!study.CanAsk) return $"strategy '{spec.Strategy.Name}' has nothing more to propose";
        return null;
    }

    private void CountFailures(TrialRecord record)
    {
        if (record.State == TrialState.Abandoned) return;
        _consecutiveFailures = record.State == TrialState.Failed ? _consecutiveFailures + 1 : 0;
        if (_consecutiveFailures >= spec.MaxConsecutiveFailures && _failure is null)
            _failure = $"{_consecutiveFailures} trials failed in a row (maxConsecutiveFailures = {spec.MaxConsecutiveFailures}); last error: {record.Error}. " +
                       "Fix the cause and run the campaign again to resume it";
    }

    /// <summary>The next trial to finish; null when, after an interrupt, none finished within the stop grace.</summary>
    private async Task<Task<TrialRecord>?> NextDoneAsync(CancellationToken cancellationToken)
    {
        var any = Task.WhenAny(_running.Keys);
        var done = await _stopGrace.WaitAsync(any, cancellationToken,
            () => observer.Info($"interrupted: waiting up to {_stopGrace.Length} for the {_running.Count} trial(s) in flight to stop")).ConfigureAwait(false);
        // Only a backend's DSE is left behind. The network stages use the evaluator, which is disposed once the run
        // returns, so a trial in them (a large model's batch can outlast the grace) is waited for: they stop by themselves.
        if (!done && _running.Values.Any(r => r.Work.Stage != Pipeline.DesignStage.StageName))
        {
            observer.Info("interrupted: a trial in flight is still evaluating its network; waiting for it to stop");
            await any.ConfigureAwait(false);
        }
        return any.IsCompleted ? await any.ConfigureAwait(false) : null;
    }

    /// <summary>Stores the trials whose design stage did not stop after an interrupt as Abandoned (re-asked on resume), naming the backend.</summary>
    private void AbandonStuck(Action<TrialRecord> finished)
    {
        foreach (var (_, (_, work)) in _running)
        {
            var error = $"{_stopGrace.DidNotStop(backend)}; abandoned in its design stage, it is re-asked on resume";
            observer.Warning($"trial {work.Record.Number} {error}");
            var record = work.Record with { State = TrialState.Abandoned, Error = error, FinishedAt = DateTimeOffset.UtcNow };
            study.Tell(record);
            finished(record);
        }
        _running.Clear();
    }

    private TrialWork StartTrial(ITrialExecutor executor, CancellationToken cancellationToken, out Task<TrialRecord> trial)
    {
        var askWatch = Stopwatch.StartNew();
        var (running, storeSeconds) = study.Ask();
        var askSeconds = askWatch.Elapsed.TotalSeconds - storeSeconds;
        observer.TrialStarted(running.Number, running.Parameters, progress());
        var work = new TrialWork(running, request, study.Trials.ToList()) { StoreSeconds = storeSeconds };
        trial = RunTrialAsync(executor, work, askSeconds, cancellationToken);
        return work;
    }

    private async Task<TrialRecord> RunTrialAsync(ITrialExecutor executor, TrialWork work, double askSeconds, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        var running = work.Record;
        try
        {
            // Off the loop: evaluation and design are CPU-bound, and the loop must stay free to ask and tell.
            await Task.Run(() => executor.RunAsync(work, cancellationToken), CancellationToken.None).ConfigureAwait(false);
            return work.Record with { Timings = TrialPipelineFactory.Timings(work, askSeconds, total.Elapsed.TotalSeconds) };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return running with { State = TrialState.Abandoned, Error = "interrupted while running", FinishedAt = DateTimeOffset.UtcNow };
        }
        catch (Exception e) when (e is not StoreException) // a store that cannot be written ends the run (exit 4), it is no trial failure
        {
            // A plugin's fault names the plugin in its message; other exceptions are named by their type.
            var error = e is Plugins.PluginFaultException ? e.Message : $"{e.GetType().Name}: {e.Message}";
            observer.Warning($"trial {running.Number} failed: {error}");
            return running with
            {
                State = TrialState.Failed, Error = error, FinishedAt = DateTimeOffset.UtcNow,
                Timings = new TrialTimings { Ask = askSeconds, Total = total.Elapsed.TotalSeconds + askSeconds, Store = work.StoreSeconds },
            };
        }
    }
}
