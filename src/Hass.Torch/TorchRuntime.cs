namespace Hass.Torch;

public static class TorchRuntime
{
    /// <summary>Environment variable giving libtorch's intra-op thread count (default 1: on a busy machine one thread per process is fastest).</summary>
    public const string ThreadsVariable = "HASS_TORCH_THREADS";

    /// <summary>
    /// The most intra-op threads allowed: 4 per core. libtorch aborts the process on 0 or a negative count and
    /// starts one OS thread per count however large, so both ends are refused before it is asked.
    /// </summary>
    public static int MaxThreads => 4 * Environment.ProcessorCount;

    private static bool _configured;

    /// <summary>The problem with a thread count (null when it is in [1, <see cref="MaxThreads"/>]), naming where it came from.</summary>
    public static string? ThreadsProblem(long threads, string source) =>
        threads >= 1 && threads <= MaxThreads ? null
            : $"{source}: must be a whole number in [1, {MaxThreads}] (4 per core on this machine of {Environment.ProcessorCount}) (got {threads})";

    /// <summary>The problem with <see cref="ThreadsVariable"/> when it is set and not a valid thread count; null otherwise.</summary>
    public static string? EnvironmentProblem()
    {
        var text = Environment.GetEnvironmentVariable(ThreadsVariable);
        if (string.IsNullOrEmpty(text)) return null;
        return long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n)
            ? ThreadsProblem(n, ThreadsVariable)
            : $"{ThreadsVariable}: must be a whole number in [1, {MaxThreads}] (got '{text}')";
    }

    public static int DefaultThreads =>
        EnvironmentProblem() is null && int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var n) ? n : 1;

    /// <summary>Sets libtorch's intra-op thread count (the first call loads the native library).</summary>
    public static void Configure(int? threads = null)
    {
        var count = threads ?? DefaultThreads;
        if (ThreadsProblem(count, "threads") is { } problem) throw new ArgumentOutOfRangeException(nameof(threads), count, problem);
        TorchSharp.torch.set_num_threads(count);
        NativeHeap.KeepFreedMemory();
        Nnpack.Disable();
        _configured = true;
    }

    /// <summary>Applies the default thread count unless a command already chose one.</summary>
    public static void EnsureConfigured()
    {
        if (!_configured) Configure();
    }
}
