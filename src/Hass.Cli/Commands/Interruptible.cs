using Hass.Board;

namespace Hass.Cli.Commands;

/// <summary>
/// A command's action with Ctrl-C and SIGTERM as cancellation (System.CommandLine leaves signals to the commands): the first
/// one cancels its token, the action closes what it holds as on any error, and the command exits 130 with
/// "interrupted: <c>stopped</c>"; a second one ends the process at once. `hass run`, `dashboard` and `worker` get the same
/// from their generic host's console lifetime, and <see cref="Run"/> for what they do before their host starts.
/// </summary>
public static class Interruptible
{
    public static Func<CliContext, CancellationToken, Task<int>> Action(string stopped, Func<CliContext, CancellationToken, Task<int>> action) =>
        (ctx, ct) => Run(stopped, token => action(ctx, token), ct);

    /// <summary>
    /// Runs <paramref name="work"/> off this thread and stops waiting for it at Ctrl-C: nothing of it is kept, so work that ignores
    /// cancellation (a backend deaf to its token, a network evaluating its images) is left to end with the process rather than hold
    /// the command. Only for work that writes nothing.
    /// </summary>
    public static Task<T> Abandonable<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Run(work, CancellationToken.None).WaitAsync(cancellationToken);

    /// <inheritdoc cref="Run{T}"/>
    public static Task Run(string stopped, Func<CancellationToken, Task> work, CancellationToken cancellationToken) =>
        Run(stopped, async token => { await work(token); return true; }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> with the signals as cancellation; one that stops it ends the command with "interrupted: <c>stopped</c>".</summary>
    public static async Task<T> Run<T>(string stopped, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var signals = InterruptSignals.Listen(cancellationToken);
        try { return await work(signals.Token); }
        catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
        {
            throw new CommandInterruptedException("interrupted: " + stopped);
        }
    }
}
