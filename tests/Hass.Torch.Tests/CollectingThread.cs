namespace Hass.Torch.Tests;

/// <summary>
/// A thread that collects garbage and runs finalizers all the time, until disposed: it turns a Scalar or tensor freed
/// while LibTorch still reads it from a rare event into a frequent one.
/// </summary>
public sealed class CollectingThread : IDisposable
{
    /// <summary>The xunit collection of the tests that start one, so none runs beside another's reference computation.</summary>
    public const string Collection = "collecting thread";

    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private long _collections;

    public CollectingThread()
    {
        _thread = new Thread(() =>
        {
            while (!_stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                Interlocked.Increment(ref _collections);
            }
        }) { IsBackground = true };
        _thread.Start();
    }

    public long Collections => Interlocked.Read(ref _collections);

    public void Dispose()
    {
        _stop.Cancel();
        _thread.Join();
        _stop.Dispose();
    }
}
