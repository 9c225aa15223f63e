using System.Runtime.InteropServices;

namespace Hass.Torch;

/// <summary>
/// Keeps the native memory libtorch frees inside the process (glibc malloc only). By default glibc serves blocks above
/// a moving threshold (128 KiB at start) with fresh mmap pages and gives freed heap tops back to the kernel, so every
/// batch's activation tensors page-fault freshly zeroed pages: measured on fmnist-vgg, 160,000 page faults and 40% of
/// an evaluation's CPU time in the kernel, and two evaluators of one process stall each other on the address space
/// (munmap shoots down both cores' TLBs). With a fixed 32 MiB mmap threshold and no trimming below 512 MiB, freed
/// blocks are reused. The process then keeps its peak native heap; libtorch's results do not change.
/// </summary>
public static class NativeHeap
{
    private const int TrimThresholdOption = -1;   // M_TRIM_THRESHOLD
    private const int MmapThresholdOption = -3;   // M_MMAP_THRESHOLD
    public const int MmapThreshold = 32 << 20;     // glibc's largest allowed value on 64-bit
    public const int TrimThreshold = 512 << 20;

    /// <summary>Variable that, set to 0, leaves glibc's defaults alone.</summary>
    public const string Variable = "HASS_KEEP_NATIVE_HEAP";

    private static int _applied;

    /// <summary>Applies the thresholds once per process; false where they do not apply (not glibc, or turned off).</summary>
    public static bool KeepFreedMemory()
    {
        if (Environment.GetEnvironmentVariable(Variable) == "0" || !OperatingSystem.IsLinux()) return false;
        if (Interlocked.Exchange(ref _applied, 1) == 1) return true;
        try
        {
            return MallOpt(MmapThresholdOption, MmapThreshold) == 1 && MallOpt(TrimThresholdOption, TrimThreshold) == 1;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;   // a libc without mallopt (musl keeps it as a no-op; others may lack it)
        }
    }

    // DllImport, not LibraryImport: the generated stub would need unsafe code for two ints.
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int MallOpt(int option, int value);
}
