using System.Diagnostics;

namespace Hass.Bench.Fidelity;

/// <summary>Runs the hass executable with arguments, appends its output to a log, and returns its exit code.</summary>
public sealed class HassProcess(string executable, string log)
{
    public async Task<int> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var start = new ProcessStartInfo(Path.GetFullPath(executable)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {executable}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        try { await process.WaitForExitAsync(ct); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        await File.AppendAllTextAsync(log, $"$ hass {string.Join(' ', start.ArgumentList)}\n{await output}{await errors}\n", ct);
        return process.ExitCode;
    }
}
