using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// One bad input: the `hass` arguments (run as a real process in a fresh temporary folder prepared by
/// <see cref="Setup"/>), the exit code docs/cli.md documents for it, and words the one error line must contain.
/// <c>{dir}</c> in an argument is replaced by the case's folder.
/// </summary>
public sealed record BadInputCase(string Name, string[] Args, int ExpectedExit, string[] MessageContains)
{
    /// <summary>Writes the case's input files into the folder before the run (they must be unchanged after it).</summary>
    public Action<string>? Setup { get; init; }
    /// <summary>Use the synthetic test plugin and fixture boards only (no built-ins) — fast, no torch.</summary>
    public bool Synthetic { get; init; } = true;
    /// <summary>Files the command was asked to write (relative to the folder): excluded from the unchanged check.</summary>
    public string[] MayWrite { get; init; } = [];
    /// <summary>Environment variables of the run (<c>{dir}</c> in a value is replaced as in an argument).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    public override string ToString() => Name;
}

/// <summary>
/// Runs a <see cref="BadInputCase"/> and asserts what every bad input must give: the documented exit code,
/// exactly one message on stderr (a first line starting "error: ", then only indented continuation lines, e.g.
/// a campaign file's list of problems) without an exception type name or stack trace, nothing of it on stdout, and every file in the case's folder byte-for-byte unchanged (none added, none removed,
/// except those the case says it may write).
/// </summary>
public static class BadInputRunner
{
    private static readonly Regex ExceptionTypeName = new(@"\b\w+(Exception|Error)\b(?<!\berror\b)|\bat \w+\.\w+|\bSystem\.\w+", RegexOptions.Compiled);

    public static void Check(BadInputCase c, ITestOutputHelper? output = null)
    {
        var dir = HassProcess.TempDir();
        c.Setup?.Invoke(dir);
        var before = Snapshot(dir, c.MayWrite);
        var args = c.Args.Select(a => a.Replace("{dir}", dir)).ToList();
        if (c.Synthetic)
        {
            var store = args.Contains("--store") ? null : Path.Combine(dir, "hass.db");
            args.AddRange(["--no-builtin-plugins", "--no-builtin-boards", "--plugins", HassProcess.SyntheticPlugin, "--boards", HassProcess.FixtureBoards]);
            if (store is not null) args.AddRange(["--store", store]);
        }
        var environment = c.Environment?.ToDictionary(e => e.Key, e => e.Value.Replace("{dir}", dir));
        var (code, stdout, stderr) = HassProcess.RunWith(dir, environment, c.Timeout, [.. args]);
        var variables = string.Concat((environment ?? []).Select(e => $"{e.Key}={e.Value} "));
        output?.WriteLine($"$ {variables}hass {string.Join(' ', args)}\nexit {code}\nstdout: {stdout}\nstderr: {stderr}");

        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        Assert.True(code == c.ExpectedExit, $"{c.Name}: exit {code}, expected {c.ExpectedExit}; stderr: {stderr}");
        Assert.True(lines.Length >= 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), $"{c.Name}: stderr must start with one 'error: ' line: {stderr}");
        Assert.True(lines.Skip(1).All(l => char.IsWhiteSpace(l[0])), $"{c.Name}: expected one message (continuation lines indented): {stderr}");
        Assert.False(ExceptionTypeName.IsMatch(stderr), $"{c.Name}: message names an exception type or stack frame: {stderr}");
        Assert.DoesNotContain("error:", stdout);
        foreach (var word in c.MessageContains)
            Assert.True(stderr.Contains(word, StringComparison.OrdinalIgnoreCase), $"{c.Name}: message lacks '{word}': {stderr}");
        Assert.Equal(before, Snapshot(dir, c.MayWrite));
    }

    /// <summary>
    /// Makes a named pipe at <paramref name="path"/>. Give a path beside the case's folder (<c>{dir}-x.fifo</c>), not in
    /// it: the runner reads every file in the folder to check it is unchanged, and reading a pipe blocks.
    /// </summary>
    public static void MakeFifo(string path)
    {
        using var mkfifo = System.Diagnostics.Process.Start("mkfifo", path);
        mkfifo.WaitForExit();
        Assert.Equal(0, mkfifo.ExitCode);
    }

    /// <summary>Relative path → SHA-256 of every file under the folder (symbolic links by their target text).</summary>
    public static SortedDictionary<string, string> Snapshot(string dir, IEnumerable<string> exclude)
    {
        var skip = exclude.Select(e => e.Replace('\\', '/')).ToHashSet();
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(dir, path).Replace('\\', '/');
            if (skip.Contains(relative)) continue;
            var info = new FileInfo(path);
            if (info.LinkTarget is not null) result[relative] = "link:" + info.LinkTarget;
            else if (Directory.Exists(path)) result[relative] = "dir";
            else result[relative] = Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
        }
        return result;
    }
}
