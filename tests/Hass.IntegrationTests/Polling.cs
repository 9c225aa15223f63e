using System.Diagnostics;

namespace Hass.IntegrationTests;

/// <summary>Waiting, bounded, for something another process or thread does.</summary>
internal static class Polling
{
    /// <summary>Checks <paramref name="condition"/> every 10 ms until it holds (true) or <paramref name="timeout"/> has passed (false).</summary>
    public static bool Until(Func<bool> condition, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > timeout) return false;
            Thread.Sleep(10);
        }
        return true;
    }
}
