using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hass.Testing;

/// <summary>
/// `hass` as a real child process (dotnet hass.dll from the CLI's build output of the test assembly's configuration), with its
/// output captured; and the paths the tests hand it (the synthetic test plugin, the fixture boards).
/// </summary>
public sealed class HassProcess : IDisposable
{
    public static string RepoRoot => RepoPaths.RepoRoot;
    public static string SyntheticPlugin => RepoPaths.TestPlugin("Synthetic");
    public static string FixtureBoards => RepoPaths.FixtureBoards;
    public static string SyntheticCampaign => RepoPaths.SyntheticCampaign;

    /// <summary>The CLI build of the same configuration as this test assembly.</summary>
    public static string HassDll
    {
        get
        {
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name; // bin/<cfg>/net10.0
            var path = Path.Combine(RepoRoot, "src", "Hass.Cli", "bin", configuration, "net10.0", "hass.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("hass.dll not built", path);
        }
    }

    public static string TempDir() => TestFolders.Create();

    public static string[] Common(string store) =>
        ["--no-builtin-plugins", "--no-builtin-boards", "--plugins", SyntheticPlugin, "--boards", FixtureBoards, "--store", store];

    private readonly Process _process;
    private readonly StringBuilder _out = new();
    private readonly StringBuilder _err = new();
    private readonly Lock _gate = new();

    private HassProcess(Process p)
    {
        _process = p;
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _out.AppendLine(e.Data); };
        p.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _err.AppendLine(e.Data); };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
    }

    public static HassProcess Start(params string[] args) => StartIn(null, args);

    /// <summary>Starts hass in <paramref name="workingDirectory"/> (null: the test's own).</summary>
    public static HassProcess StartIn(string? workingDirectory, params string[] args) => StartWith(workingDirectory, null, args);

    /// <summary>Starts hass in <paramref name="workingDirectory"/> with extra <paramref name="environment"/> variables.</summary>
    public static HassProcess StartWith(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        // A test runner started in the background by a shell without job control inherits SIGINT ignored, and .NET keeps an
        // ignored SIGINT ignored (as a background job should): the Ctrl-C tests would wait forever. env execs dotnet in place
        // (same PID) with SIGINT back at its default, so hass installs its own handler whatever launched the tests.
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(HassDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment.Remove("HASS_PLUGINS");
        psi.Environment.Remove("HASS_BOARDS");
        psi.Environment.Remove("HASS_STORE");
        psi.Environment.Remove("HASS_CLUSTER");
        psi.Environment.Remove("HASS_CLUSTER_SECRET");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>()) psi.Environment[name] = value;
        return new HassProcess(Process.Start(psi)!);
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Out { get { lock (_gate) return _out.ToString(); } }
    public string Err { get { lock (_gate) return _err.ToString(); } }

    /// <summary>Waits (bounded) until stdout contains <paramref name="text"/>; false when the process ended or time ran out.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout) => WaitForOutput(new Regex(Regex.Escape(text)), timeout).Success;

    /// <summary>Waits (bounded) until stdout matches <paramref name="pattern"/>; an unsuccessful match when the process ended or time ran out.</summary>
    public Match WaitForOutput(Regex pattern, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (pattern.Match(Out) is { Success: true } match) return match;
            if (_process.HasExited) return pattern.Match(Out);
            Thread.Sleep(20);
        }
        return Match.Empty;
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) { _process.Kill(entireProcessTree: true); throw new TimeoutException($"hass did not exit within {timeout}: {Out}\n{Err}"); }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public void KillHard()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit();
    }

    public void Signal(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-" + signal, Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public static (int ExitCode, string Out, string Err) Run(TimeSpan timeout, params string[] args) => RunIn(null, timeout, args);

    public static (int ExitCode, string Out, string Err) RunIn(string? workingDirectory, TimeSpan timeout, params string[] args) =>
        RunWith(workingDirectory, null, timeout, args);

    public static (int ExitCode, string Out, string Err) RunWith(string? workingDirectory, IReadOnlyDictionary<string, string>? environment, TimeSpan timeout,
        params string[] args)
    {
        using var p = StartWith(workingDirectory, environment, args);
        var code = p.WaitForExit(timeout);
        return (code, p.Out, p.Err);
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }
}
