using System.Runtime.InteropServices;

namespace Hass.Board;

/// <summary>
/// Ctrl-C (SIGINT) and SIGTERM as cancellation. While an instance listens, the first of these signals cancels
/// <see cref="Token"/> instead of ending the process, so the code that holds a board link (or a store) closes it and
/// returns by itself; a second signal ends the process at once, as it would without a handler (the shell then
/// reports 130 or 143). The `hass` commands that run long or write files (Hass.Cli's Interruptible) and the board emulator listen with it; `hass run`, `dashboard`
/// and `worker` get the same first-signal cancellation from their generic host's console lifetime.
/// </summary>
public sealed class InterruptSignals : IDisposable
{
    private readonly CancellationTokenSource _cancel;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _received;

    private InterruptSignals(CancellationToken linked)
    {
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(linked);
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
    }

    /// <summary>Listens until disposed; <see cref="Token"/> is also cancelled with <paramref name="linked"/>.</summary>
    public static InterruptSignals Listen(CancellationToken linked = default) => new(linked);

    /// <summary>Cancelled by the first SIGINT or SIGTERM (or by the linked token).</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>True once a SIGINT or SIGTERM arrived.</summary>
    public bool Received => Volatile.Read(ref _received) > 0;

    private void OnSignal(PosixSignalContext context)
    {
        // The second signal keeps the runtime's default: the process ends now.
        if (Interlocked.Increment(ref _received) > 1) return;
        context.Cancel = true;
        try { _cancel.Cancel(); }
        catch (ObjectDisposedException) { }   // the signal came while listening ended
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
        _cancel.Dispose();
    }
}
