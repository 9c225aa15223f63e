namespace Hass.Bench;

/// <summary>The host's load average, written beside every measured figure: the benchmarks run on a shared machine.</summary>
public static class MachineLoad
{
    private const string LoadAverageFile = "/proc/loadavg";

    /// <summary>The 1, 5 and 15-minute load averages ("1.14 1.45 2.48"), or "unknown" where the system does not give them.</summary>
    public static string Averages() => Fields() is { } fields ? string.Join(' ', fields.Take(3)) : "unknown";

    /// <summary>The 1-minute load average, or "unknown".</summary>
    public static string OneMinute() => Fields() is { } fields ? fields[0] : "unknown";

    private static string[]? Fields() =>
        File.Exists(LoadAverageFile) ? File.ReadAllText(LoadAverageFile).Split(' ', StringSplitOptions.RemoveEmptyEntries) : null;
}
