using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests;

/// <summary>
/// A store on a full or read-only file system (<see cref="ScratchFileSystem"/>): `hass` says which store cannot
/// be written and why, with exit 4 (a report folder that cannot be written: exit 2), never an exception type;
/// what was stored before survives, and the campaign resumes once there is room.
/// </summary>
public class StoreFileSystemTests(ITestOutputHelper output)
{
    private static readonly Regex ExceptionTypeName = new(@"\b\w+(Exception|Error)\b(?<!\berror\b)|\bat \w+\.\w+|\bSystem\.\w+", RegexOptions.Compiled);

    private static string[] Common(string store) => HassProcess.Common(store);

    private (int Code, string Out, string Err) Hass(ScratchFileSystem fs, params string[] args)
    {
        var r = fs.RunHass(args);
        output.WriteLine($"$ hass {string.Join(' ', args)}\nexit {r.Code}\n{r.Out}\n{r.Err}");
        return r;
    }

    private static void OneCleanError(string stderr, params string[] words)
    {
        var errors = stderr.Split('\n').Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        Assert.True(errors.Count == 1, "expected one error line: " + stderr);
        Assert.False(ExceptionTypeName.IsMatch(stderr), "names an exception type: " + stderr);
        foreach (var w in words) Assert.Contains(w, errors[0]);
    }

    [Fact]
    public void A_full_disk_stops_the_run_with_exit_4_and_the_campaign_resumes_when_there_is_room()
    {
        using var fs = ScratchFileSystem.Create(kib: 400);
        output.WriteLine(fs.Mounted ? "tmpfs of 400 KiB" : "no mount permitted: RLIMIT_FSIZE of 400 KiB");
        var store = Path.Combine(fs.Folder, "hass.db");
        // The synthetic campaign's store takes about 9 KiB a trial (cached evaluations compressed): 100 trials outgrow 400 KiB.
        const string Trials = "100";
        var full = Hass(fs, ["run", HassProcess.SyntheticCampaign, "--trials", Trials, .. Common(store)]);
        Assert.Equal(ExitCodes.StoreUnusable, full.Code);
        OneCleanError(full.Err, $"store {store} cannot be");

        fs.Grow();
        var resumed = Hass(fs, ["run", HassProcess.SyntheticCampaign, "--trials", Trials, .. Common(store)]);
        Assert.True(resumed.Code == ExitCodes.Success, resumed.Err);
        Assert.Contains($"{Trials} in the store", resumed.Out);
    }

    [Fact]
    public void A_store_on_a_read_only_file_system_is_read_but_not_written()
    {
        using var fs = ScratchFileSystem.Create(kib: 64 * 1024);
        var store = Path.Combine(fs.Folder, "hass.db");
        var run = Hass(fs, ["run", HassProcess.SyntheticCampaign, "--trials", "3", .. Common(store)]);
        Assert.True(run.Code == 0, run.Err);
        fs.MakeReadOnly();
        var before = Hashes(fs.Folder);

        var status = Hass(fs, ["status", "synthetic", .. Common(store)]);
        Assert.True(status.Code == 0, status.Err);
        Assert.Contains("3/3", status.Out);
        Assert.Equal(0, Hass(fs, ["trials", "synthetic", .. Common(store)]).Code);

        var resume = Hass(fs, ["run", HassProcess.SyntheticCampaign, "--trials", "5", .. Common(store)]);
        Assert.Equal(ExitCodes.StoreUnusable, resume.Code);
        OneCleanError(resume.Err, $"store {store} cannot be written");

        var report = Hass(fs, ["report", "synthetic", "-o", Path.Combine(fs.Folder, "out"), .. Common(store)]);
        Assert.Equal(ExitCodes.InvalidInput, report.Code);
        OneCleanError(report.Err, "cannot write the report into " + Path.Combine(fs.Folder, "out"));

        var created = Hass(fs, ["run", HassProcess.SyntheticCampaign, .. Common(Path.Combine(fs.Folder, "new.db"))]);
        Assert.Equal(ExitCodes.StoreUnusable, created.Code);
        OneCleanError(created.Err, "new.db");
        Assert.Equal(before, Hashes(fs.Folder));
    }

    private static SortedDictionary<string, string> Hashes(string dir) => new(
        Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories)
            .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f)))), StringComparer.Ordinal);
}
