using System.Diagnostics;

namespace Hass.IntegrationTests;

/// <summary>
/// A folder whose file system a test can fill up or make read-only under a `hass` process. Where the test may
/// mount (root with CAP_SYS_ADMIN, as on this project's machines and CI) it is a real tmpfs of the given size,
/// remounted read-only or larger on demand. Where it may not, the same errors come from other real mechanisms:
/// "full" is a file-size limit on the hass process (RLIMIT_FSIZE with SIGXFSZ ignored, so writes fail with
/// EFBIG instead of ENOSPC), and "read-only" is a folder without write permission, with hass run as the user
/// nobody when the test runs as root (EACCES instead of EROFS). hass reports all of them the same way.
/// </summary>
public sealed class ScratchFileSystem : IDisposable
{
    public string Folder { get; }
    public bool Mounted { get; }
    private bool _readOnly;
    private long? _fileSizeLimitKiB;

    private ScratchFileSystem(string folder, bool mounted)
    {
        Folder = folder;
        Mounted = mounted;
    }

    /// <summary>A scratch folder that fills up after about <paramref name="kib"/> KiB.</summary>
    public static ScratchFileSystem Create(long kib)
    {
        var folder = HassProcess.TempDir();
        // HASS_TEST_NO_MOUNT=1 takes the fallback path where mounting would work (to test the fallback itself).
        var mounted = Environment.GetEnvironmentVariable("HASS_TEST_NO_MOUNT") != "1"
                      && Exec("mount", "-t", "tmpfs", "-o", $"size={kib}k,mode=1777", "tmpfs", folder).Code == 0;
        return new ScratchFileSystem(folder, mounted) { _fileSizeLimitKiB = mounted ? null : kib };
    }

    /// <summary>Room again: a larger tmpfs, or no file-size limit.</summary>
    public void Grow()
    {
        if (Mounted) Check(Exec("mount", "-o", "remount,size=64m", Folder));
        _fileSizeLimitKiB = null;
    }

    public void MakeReadOnly()
    {
        if (Mounted) Check(Exec("mount", "-o", "remount,ro", Folder));
        else Check(Exec("chmod", "-R", "a-w", Folder));
        _readOnly = true;
    }

    /// <summary>Runs hass (the CLI build) in the folder under the file system's current restrictions.</summary>
    public (int Code, string Out, string Err) RunHass(params string[] args)
    {
        List<string> command = ["dotnet", HassProcess.HassDll, .. args];
        if (_fileSizeLimitKiB is { } limit)
            // ulimit -f counts 512-byte blocks; without W^X double mapping the runtime starts under the limit.
            command = ["sh", "-c", $"trap '' XFSZ; ulimit -f {limit * 2}; exec \"$@\"", "sh", "env", "DOTNET_EnableWriteXorExecute=0", .. command];
        if (_readOnly && !Mounted && Environment.UserName == "root")
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", .. command];
        return Exec(command[0], [.. command.Skip(1)], Folder);
    }

    private static (int Code, string Out, string Err) Exec(string file, params string[] args) => Exec(file, args, null);

    private static (int Code, string Out, string Err) Exec(string file, string[] args, string? workingDirectory)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null) psi.WorkingDirectory = workingDirectory;
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var v in new[] { "HASS_PLUGINS", "HASS_BOARDS", "HASS_STORE", "HASS_DEBUG" }) psi.Environment.Remove(v);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    private static void Check((int Code, string Out, string Err) r)
    {
        if (r.Code != 0) throw new InvalidOperationException("scratch file system: " + r.Err);
    }

    public void Dispose()
    {
        if (Mounted) Exec("umount", "-l", Folder);
        else Exec("chmod", "-R", "u+w", Folder);
    }
}
