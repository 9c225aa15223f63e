namespace Hass.Engine.Running;

/// <summary>
/// How long an interrupted run waits for a backend's design call that ignores cancellation before it leaves the call behind,
/// running out in the background, so the run still stops (exit 130). The trial loop leaves a trial stuck in its design stage
/// behind with it (<see cref="TrialScheduler"/>), the final table a stuck design call (<see cref="FinalBackends"/>).
/// Only backend design calls are left behind: the evaluator's network is disposed once the run returns, so its work is waited for.
/// </summary>
public sealed class StopGrace(TimeSpan length)
{
    public static readonly StopGrace Default = new(TimeSpan.FromSeconds(10));

    /// <summary>"10 s".</summary>
    public string Length => $"{length.TotalSeconds:0.#} s";

    /// <summary>What a warning says of <paramref name="backend"/> (as messages name it, with its plugin) once its call is left behind.</summary>
    public string DidNotStop(string backend) => $"did not stop within {Length} of the interrupt: {backend} ignores cancellation";

    /// <summary>
    /// Waits for <paramref name="work"/>: true once it finished, false when <paramref name="cancellationToken"/> was cancelled and it did
    /// not finish within the grace that followed. <paramref name="graceStarts"/> runs when work still running at the interrupt is given the grace.
    /// </summary>
    public async Task<bool> WaitAsync(Task work, CancellationToken cancellationToken, Action? graceStarts = null)
    {
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            await Task.WhenAny(work, Task.Delay(Timeout.Infinite, wait.Token)).ConfigureAwait(false);
            await wait.CancelAsync().ConfigureAwait(false);
        }
        if (work.IsCompleted) return true;
        graceStarts?.Invoke();
        await Task.WhenAny(work, Task.Delay(length, CancellationToken.None)).ConfigureAwait(false);
        return work.IsCompleted;
    }

    /// <summary>
    /// Runs <paramref name="call"/>, a backend's synchronous design call, off this thread and returns what it returns or throws.
    /// Once <paramref name="cancellationToken"/> is cancelled no call starts, and a call that does not return within the grace is left
    /// behind: <paramref name="leftBehind"/> runs (it warns) and <see cref="OperationCanceledException"/> is thrown.
    /// </summary>
    public T RunOrLeaveBehind<T>(Func<T> call, Action leftBehind, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var running = Task.Run(call, CancellationToken.None);
        // The callers are synchronous (the final table); the wait itself blocks no thread the call needs.
        if (WaitAsync(running, cancellationToken).GetAwaiter().GetResult()) return running.GetAwaiter().GetResult();
        leftBehind();
        throw new OperationCanceledException("a backend call ignoring cancellation was left behind after the stop grace", cancellationToken);
    }
}
