using System.Diagnostics;

namespace Hass.BoardEmulator;

/// <summary>
/// hass-board-emulator as a separate process (`dotnet hass-board-emulator.dll ...`): started with
/// --exit-on-stdin-close so it never outlives its parent; <see cref="Address"/> is what it printed.
/// </summary>
public sealed class EmulatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];
    private readonly List<string> _errors;

    private EmulatorProcess(Process process, string address, List<string> errors) { _process = process; Address = address; _errors = errors; }

    public string Address { get; }
    /// <summary>What the emulator has written to stderr so far (e.g. link failures), a line each.</summary>
    public IReadOnlyList<string> ErrorLines { get { lock (_errors) return [.. _errors]; } }
    public int ProcessId => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>Path of the emulator assembly next to the caller (a project reference copies it there).</summary>
    public static string DefaultAssemblyPath => typeof(EmulatorProcess).Assembly.Location;

    public static async Task<EmulatorProcess> StartAsync(IEnumerable<string> args, string? assemblyPath = null, TimeSpan? startTimeout = null, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add(assemblyPath ?? DefaultAssemblyPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--exit-on-stdin-close");
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet for hass-board-emulator");
        var errors = new List<string>();
        var errorPump = CollectLinesAsync(process.StandardError, errors);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(startTimeout ?? TimeSpan.FromSeconds(30));
        try
        {
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false);
                if (line is null)
                {
                    await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                    await errorPump.ConfigureAwait(false);
                    throw new InvalidOperationException($"hass-board-emulator exited with code {process.ExitCode} before listening: {string.Join('\n', errors).Trim()}");
                }
                if (line.StartsWith("listening ", StringComparison.Ordinal))
                {
                    var emulator = new EmulatorProcess(process, line["listening ".Length..].Trim(), errors);
                    _ = CollectLinesAsync(process.StandardOutput, emulator._output);
                    return emulator;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Kill(process);
            throw new TimeoutException("hass-board-emulator did not report its address in time");
        }
    }

    /// <summary>Reads <paramref name="reader"/> to its end in the background (a full pipe would block the emulator), keeping each line.</summary>
    private static Task CollectLinesAsync(StreamReader reader, List<string> lines) => Task.Run(async () =>
    {
        while (await reader.ReadLineAsync(CancellationToken.None).ConfigureAwait(false) is { } line) lock (lines) lines.Add(line);
    }, CancellationToken.None);

    private static void Kill(Process process)
    {
        try { if (!process.HasExited) process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
    }

    /// <summary>Waits for the emulator to end by itself (e.g. after a signal) and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return _process.ExitCode;
    }

    /// <summary>Kills the emulator now (a board losing power).</summary>
    public void Kill() => Kill(_process);

    public async ValueTask DisposeAsync()
    {
        try { _process.StandardInput.Close(); } catch (IOException) { }
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try { await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false); }
        catch (OperationCanceledException) { Kill(_process); }
        _process.Dispose();
    }
}
