namespace Hass.Testing;

/// <summary>
/// Temporary folders of one test process: under &lt;temp&gt;/hass-tests/run-&lt;pid&gt;-&lt;id&gt;/, all removed when the process exits,
/// so repeated test runs do not fill the disk with stores and logs. The test host may be stopped before its exit handlers finish,
/// so each run also removes the folders of earlier runs whose process is gone.
/// </summary>
public static class TestFolders
{
    private static readonly Lazy<string> RunRoot = new(CreateRunRoot);

    /// <summary>A new empty folder of this test run.</summary>
    public static string Create()
    {
        var dir = Path.Combine(RunRoot.Value, Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static string CreateRunRoot()
    {
        var parent = Path.Combine(Path.GetTempPath(), "hass-tests");
        RemoveFinishedRuns(parent);
        var root = Path.Combine(parent, $"run-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    private static void RemoveFinishedRuns(string parent)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var run in Directory.EnumerateDirectories(parent, "run-*"))
        {
            var parts = Path.GetFileName(run).Split('-');
            if (parts.Length == 3 && int.TryParse(parts[1], out var pid) && !IsRunning(pid)) TryDelete(run);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static void TryDelete(string root)
    {
        try { Directory.Delete(root, recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { } // a file still in use: the next test run removes the folder
    }
}
