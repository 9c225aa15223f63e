using System.Diagnostics;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>One signal to a running `hass` and what must follow: exit 130 at once, with one line on stderr.</summary>
internal static class Interrupts
{
    /// <summary>A batch, a socket read or an abandoned call stops in milliseconds; the rest is the process starting to end.</summary>
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(8);

    /// <summary>Sends <paramref name="signal"/> (INT or TERM) and checks that <paramref name="process"/> exits 130 within 8 s with <paramref name="line"/> as all its stderr.</summary>
    public static void StopsAtOnce(HassProcess process, string line, string signal = "INT")
    {
        var watch = Stopwatch.StartNew();
        process.Signal(signal);
        var code = process.WaitForExit(TimeSpan.FromSeconds(120));
        Assert.True(code == ExitCodes.Interrupted, $"exit {code}\n{process.Out}\n{process.Err}");
        Assert.True(watch.Elapsed < Prompt, $"stopped after {watch.Elapsed}, not at once");
        Assert.Equal(line, process.Err.Trim());
    }
}
