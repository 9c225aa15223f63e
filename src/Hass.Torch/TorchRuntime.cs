namespace Hass.Torch;

public static class TorchRuntime
{
    /// <summary>Environment variable giving libtorch's intra-op thread count (default 1: on a busy machine one thread per process is fastest).</summary>
    public const string ThreadsVariable = "HASS_TORCH_THREADS";

    private static bool _configured;

    public static int DefaultThreads =>
        int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var n) && n > 0 ? n : 1;

    /// <summary>Sets libtorch's intra-op thread count (the first call loads the native library).</summary>
    public static void Configure(int? threads = null)
    {
        TorchSharp.torch.set_num_threads(threads ?? DefaultThreads);
        _configured = true;
    }

    /// <summary>Applies the default thread count unless a command already chose one.</summary>
    public static void EnsureConfigured()
    {
        if (!_configured) Configure();
    }
}
