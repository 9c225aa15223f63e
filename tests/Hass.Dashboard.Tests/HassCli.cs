using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Hass.Dashboard.Tests;

/// <summary>`hass` as a real child process (dotnet hass.dll of the same build configuration) with the synthetic test plugin.</summary>
public sealed partial class HassCli : IDisposable
{
    public static string RepoRoot { get; } = FindRoot();
    private static string Configuration => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
    public static string HassDll => Path.Combine(RepoRoot, "src", "Hass.Cli", "bin", Configuration, "net10.0", "hass.dll");
    public static string SyntheticCampaign => Path.Combine(RepoRoot, "examples", "synthetic.json");

    public static string[] Common(string store) =>
    [
        "--no-builtin-plugins", "--no-builtin-boards", "--plugins", Path.Combine(RepoRoot, "artifacts", "testplugins", "Hass.TestPlugins.Synthetic"),
        "--boards", Path.Combine(RepoRoot, "tests", "Hass.IntegrationTests", "Fixtures", "boards"), "--store", store,
    ];

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HASS.Engine.sln not found");
    }

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "hass-dashboard-tests", Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The synthetic campaign with <paramref name="trials"/> trials of <paramref name="delayMs"/> each, written into <paramref name="dir"/>.</summary>
    /// <summary>
    /// A budget no test reaches: a test that interrupts a running campaign (and expects exit 130) must not race its end, which
    /// on a loaded machine came first with budgets of 200–500 trials.
    /// </summary>
    public const int UnfinishedTrials = 1_000_000;

    public static string Campaign(string dir, string name, int trials, int delayMs)
    {
        var path = Path.Combine(dir, name + ".json");
        File.WriteAllText(path, File.ReadAllText(SyntheticCampaign)
            .Replace("\"delayMs\": 0", $"\"delayMs\": {delayMs}")
            .Replace("\"trials\": 20", $"\"trials\": {trials}")
            .Replace("\"name\": \"synthetic\"", $"\"name\": \"{name}\""));
        return path;
    }

    private readonly Process _process;
    private readonly StringBuilder _out = new(), _err = new();
    private readonly Lock _gate = new();

    private HassCli(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_gate) _err.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static HassCli Start(params string[] args)
    {
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        // A test runner started in the background by a shell without job control inherits SIGINT ignored, and .NET keeps an
        // ignored SIGINT ignored (as a background job should): the Ctrl-C tests would wait forever. env execs dotnet in place
        // (same PID) with SIGINT back at its default, so hass installs its own handler whatever launched the tests.
        psi.ArgumentList.Add("--default-signal=INT");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(HassDll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var v in new[] { "HASS_PLUGINS", "HASS_BOARDS", "HASS_STORE" }) psi.Environment.Remove(v);
        return new HassCli(Process.Start(psi)!);
    }

    public int Id => _process.Id;
    public string Out { get { lock (_gate) return _out.ToString(); } }
    public string Err { get { lock (_gate) return _err.ToString(); } }

    [GeneratedRegex(@"dashboard.* at (http://\S+/)")]
    private static partial Regex DashboardUrl();

    /// <summary>The URL the dashboard printed once it listened (bounded wait).</summary>
    public Uri WaitForDashboard(TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < timeout && !_process.HasExited)
        {
            if (DashboardUrl().Match(Out) is { Success: true } m) return new Uri(m.Groups[1].Value);
            Thread.Sleep(20);
        }
        throw new TimeoutException($"no dashboard URL from hass: {Out}\n{Err}");
    }

    /// <summary>Waits (bounded) until stdout contains <paramref name="text"/>, e.g. "trial 1/" once the campaign is stored.</summary>
    public void WaitForOutput(string text, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (!Out.Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || watch.Elapsed > timeout) throw new TimeoutException($"hass never printed '{text}': {Out}\n{Err}");
            Thread.Sleep(20);
        }
    }

    public int WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) { Kill(); throw new TimeoutException($"hass did not exit within {timeout}: {Out}\n{Err}"); }
        _process.WaitForExit();
        return _process.ExitCode;
    }

    public static (int ExitCode, string Out, string Err) Run(TimeSpan timeout, params string[] args)
    {
        using var p = Start(args);
        var code = p.WaitForExit(timeout);
        return (code, p.Out, p.Err);
    }

    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", Id.ToString() }, UseShellExecute = false })!;
        kill.WaitForExit();
    }

    public void Kill()
    {
        try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) Kill();
        _process.Dispose();
    }
}
