namespace Hass.Bench;

/// <summary>
/// The heading above everything a benchmark appends to a results file (bench/results): the date, the command that
/// made it and the machine's load, in one format for every benchmark, since the machine is shared and noisy.
/// </summary>
public static class ResultsHeading
{
    /// <summary>
    /// "## 2026-12-06 12:53 UTC", then "Command: `dotnet run -c Release --project bench/&lt;project&gt; -- &lt;args&gt;`" and the
    /// load average at the end of the run (and at its start, when given) with the core count.
    /// </summary>
    public static string Of(string project, IEnumerable<string> args, string? startLoad = null)
    {
        var load = startLoad is null ? $"at the end: {MachineLoad.Averages()}" : $"at the start: {startLoad}; at the end: {MachineLoad.Averages()}";
        return $"\n## {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n\nCommand: `dotnet run -c Release --project bench/{project} -- {string.Join(' ', args)}`  \n" +
               $"Load average (1, 5, 15 min) {load} ({Environment.ProcessorCount} cores)\n\n";
    }
}
