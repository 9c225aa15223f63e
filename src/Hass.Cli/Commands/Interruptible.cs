using Hass.Board;

namespace Hass.Cli.Commands;

/// <summary>
/// A command's action with Ctrl-C and SIGTERM as cancellation (System.CommandLine leaves signals to the commands): the first
/// one cancels its token, the action closes what it holds as on any error, and the command exits 130 with
/// "interrupted: <c>stopped</c>"; a second one ends the process at once. `hass run`, `dashboard` and `worker` get the same
/// from their generic host's console lifetime.
/// </summary>
public static class Interruptible
{
    public static Func<CliContext, CancellationToken, Task<int>> Action(string stopped, Func<CliContext, CancellationToken, Task<int>> action) =>
        async (ctx, ct) =>
        {
            using var signals = InterruptSignals.Listen(ct);
            try { return await action(ctx, signals.Token); }
            catch (OperationCanceledException) when (signals.Token.IsCancellationRequested)
            {
                throw new CommandInterruptedException("interrupted: " + stopped);
            }
        };
}
