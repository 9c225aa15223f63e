using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Hass.Cli.Tests;

/// <summary>A real store written by `hass run` (synthetic plugin), once for the class.</summary>
public sealed class SyntheticStoreFixture
{
    public byte[] Bytes { get; }

    public SyntheticStoreFixture()
    {
        var store = Path.Combine(Cli.TempDir(), "hass.db");
        var run = Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "8").GetAwaiter().GetResult();
        if (run.ExitCode != ExitCodes.Success) throw new InvalidOperationException("the synthetic run failed: " + run.Err);
        Bytes = File.ReadAllBytes(store);
    }
}

/// <summary>
/// Property test of the store opener: random truncations, zeroed pages, zeroed ranges and bit flips of a real
/// store. Every read-only command either reads it cleanly (the damage hit bytes nobody reads, or a value that
/// still parses: LiteDB pages carry no checksum) or exits 4 with one plain line; never another code, never an
/// exception name, and the file is byte-for-byte unchanged with no log file left. `hass run` on a store that
/// was refused is refused the same way, before anything is written.
/// </summary>
public class StoreDamageFuzzTests(SyntheticStoreFixture fixture, ITestOutputHelper output) : IClassFixture<SyntheticStoreFixture>
{
    private static readonly Regex ExceptionTypeName = new(@"\b\w+(Exception|Error)\b(?<!\berror\b)|\bat \w+\.\w+|\bSystem\.\w+", RegexOptions.Compiled);
    private const int PageSize = 8192;

    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 48)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task A_damaged_store_is_read_cleanly_or_refused_with_exit_4_and_never_changed(int seed)
    {
        var (damaged, what) = Damage(fixture.Bytes, new Random(seed));
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        File.WriteAllBytes(store, damaged);
        output.WriteLine($"seed {seed}: {what}");

        var refused = false;
        foreach (var args in new[] { new[] { "status" }, ["trials", "synthetic", "--json"], ["status", "synthetic"] })
        {
            var r = await RunBounded(store, args);
            output.WriteLine($"hass {string.Join(' ', args)} -> {r.ExitCode}: {r.Err.Trim()}");
            Assert.True(r.ExitCode is ExitCodes.Success or ExitCodes.StoreUnusable, $"{what}: exit {r.ExitCode}: {r.Err}");
            if (r.ExitCode == ExitCodes.StoreUnusable) CheckOneCleanLine(r, store, what);
            refused |= r.ExitCode == ExitCodes.StoreUnusable;
            Assert.Equal(damaged, File.ReadAllBytes(store));
            // Only the store and its (empty, kept) lock file: no log file, no PID file.
            Assert.Subset(new HashSet<string> { "hass.db", "hass.db.lock" }, Directory.GetFiles(dir).Select(f => Path.GetFileName(f)).ToHashSet());
        }
        if (!refused) return;
        var run = await RunBounded(store, ["run", Cli.SyntheticCampaign, "--trials", "8"]);
        Assert.True(run.ExitCode == ExitCodes.StoreUnusable, $"{what}: hass run exit {run.ExitCode}: {run.Err}");
        CheckOneCleanLine(run, store, what);
        Assert.Equal(damaged, File.ReadAllBytes(store));
        Assert.False(File.Exists(Path.Combine(dir, "hass-log.db")), what + ": hass run left a log file");
    }

    private static void CheckOneCleanLine(Cli.Result r, string store, string what)
    {
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1 && lines[0].StartsWith($"error: store {store}", StringComparison.Ordinal), $"{what}: {r.Err}");
        Assert.False(ExceptionTypeName.IsMatch(r.Err), $"{what}: names an exception type: {r.Err}");
    }

    private static async Task<Cli.Result> RunBounded(string store, string[] args)
    {
        var task = Cli.Run(store, args);
        var finished = await Task.WhenAny(task, Task.Delay(TimeSpan.FromSeconds(60)));
        Assert.True(finished == task, $"hass {string.Join(' ', args)} did not finish within 60 s on a damaged store");
        return await task;
    }

    /// <summary>One random damage of a copy of <paramref name="original"/>, and what it was.</summary>
    public static (byte[] Bytes, string What) Damage(byte[] original, Random random)
    {
        var bytes = (byte[])original.Clone();
        var pages = bytes.Length / PageSize;
        switch (random.Next(4))
        {
            case 0:
                var length = random.Next(0, bytes.Length);
                return (bytes[..length], $"truncated to {length} of {bytes.Length} bytes");
            case 1:
                var page = random.Next(pages);
                Array.Clear(bytes, page * PageSize, PageSize);
                return (bytes, $"page {page} of {pages} zeroed");
            case 2:
                var start = random.Next(bytes.Length);
                var count = Math.Min(random.Next(1, 2 * PageSize), bytes.Length - start);
                Array.Clear(bytes, start, count);
                return (bytes, $"{count} bytes zeroed at {start}");
            default:
                var flips = random.Next(1, 64);
                // Half of the cases aim at the first pages (header, collections, indexes), where structure lives.
                var span = random.Next(2) == 0 ? Math.Min(bytes.Length, 4 * PageSize) : bytes.Length;
                for (var i = 0; i < flips; i++) bytes[random.Next(span)] ^= (byte)(1 << random.Next(8));
                return (bytes, $"{flips} bits flipped in the first {span} bytes");
        }
    }
}
