using System.Diagnostics;

namespace Hass.Board.Testing;

/// <summary>
/// A real pseudo-terminal pair made by socat (`socat -d -d pty,raw,echo=0,link=A pty,raw,echo=0,link=B`).
/// socat is required (CI installs it); a missing socat fails the test with a message saying so.
/// </summary>
public sealed class SocatPair : IDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    public string A { get; }
    public string B { get; }

    public SocatPair()
    {
        _directory = Path.Combine(Path.GetTempPath(), "hass-pty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_directory);
        A = Path.Combine(_directory, "A");
        B = Path.Combine(_directory, "B");
        var info = new ProcessStartInfo("socat") { RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in new[] { "-d", "-d", $"pty,raw,echo=0,link={A}", $"pty,raw,echo=0,link={B}" }) info.ArgumentList.Add(a);
        try
        {
            _process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("socat is required for the serial tests (apt-get install socat)", e);
        }
        // socat -d -d reports "starting data transfer loop" once both ptys exist and it forwards bytes.
        var ready = new ManualResetEventSlim();
        _process.ErrorDataReceived += (_, e) => { if (e.Data?.Contains("starting data transfer loop") == true) ready.Set(); };
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(ready.IsSet && File.Exists(A) && File.Exists(B)))
        {
            if (_process.HasExited) throw new InvalidOperationException($"socat exited with code {_process.ExitCode}");
            if (DateTime.UtcNow > deadline) throw new TimeoutException("socat did not set up the pty pair within 30 s");
            ready.Wait(20);
        }
    }

    /// <summary>Kills socat: both ends vanish, as when a USB adapter is unplugged.</summary>
    public void Kill()
    {
        try { if (!_process.HasExited) { _process.Kill(); _process.WaitForExit(5000); } } catch (InvalidOperationException) { }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
