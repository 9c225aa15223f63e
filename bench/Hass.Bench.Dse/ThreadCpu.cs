using System.Diagnostics;

namespace Hass.Bench.Dse;

/// <summary>
/// CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID): the machine is shared, so wall-clock time would also
/// count the time other processes hold the core.
/// </summary>
internal static class ThreadCpu
{
    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec { public long Seconds; public long Nanoseconds; }

    /// <summary>CPU time of the calling thread in milliseconds (Linux; falls back to process CPU time elsewhere).</summary>
    public static double Milliseconds()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(3 /* CLOCK_THREAD_CPUTIME_ID */, out var t) == 0)
            return t.Seconds * 1e3 + t.Nanoseconds / 1e6;
        return Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }
}
