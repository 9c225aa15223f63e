using Hass.Abstractions;
using Hass.Cli;
using Hass.Engine.Storage;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// Bad inputs around the store and the files hass reads and writes: a store path that is not a store, missing,
/// damaged or behind symbolic links; campaign names that would leave reports/; report folders that cannot be
/// written; campaign files that are devices, folders or too large.
/// </summary>
public class StoreBadInputTests(ITestOutputHelper output)
{
    private static string Store(string dir) => Path.Combine(dir, "hass.db");

    /// <summary>A store with one trial (written in-process; its lock file stays, as after any run).</summary>
    private static void WriteStore(string dir)
    {
        using var store = HassStore.Open(Store(dir));
        store.SaveTrial(new TrialRecord { Campaign = "synthetic", Number = 1, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.1 }) });
    }

    /// <summary>A real finished synthetic campaign (hass run, 2 trials) in the folder's hass.db.</summary>
    private static void RunSynthetic(string dir)
    {
        var (code, _, err) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), ["run", HassProcess.SyntheticCampaign, "--trials", "2", .. HassProcess.Common(Store(dir))]);
        if (code != 0) throw new InvalidOperationException("setup run failed: " + err);
    }

    private static void Damage(string dir, Action<byte[]> damage)
    {
        WriteStore(dir);
        var bytes = File.ReadAllBytes(Store(dir));
        damage(bytes);
        File.WriteAllBytes(Store(dir), bytes);
    }

    private static void Victim(string dir, string link)
    {
        WriteStore(dir);
        File.WriteAllText(Path.Combine(dir, "victim.txt"), "precious");
        File.Delete(Path.Combine(dir, link));
        File.CreateSymbolicLink(Path.Combine(dir, link), Path.Combine(dir, "victim.txt"));
    }

    private static void Campaign(string dir, string name) =>
        File.WriteAllText(Path.Combine(dir, "c.json"), File.ReadAllText(HassProcess.SyntheticCampaign).Replace("\"name\": \"synthetic\"", $"\"name\": \"{name}\""));

    public static TheoryData<BadInputCase> Cases => new()
    {
        // A store path that is not a store: refused, never replaced by an empty database (item 3).
        new("trials with a JSON file as store", ["trials", "synthetic", "--store", "{dir}/x.json"], ExitCodes.StoreUnusable, ["x.json", "not a HASS store"])
            { Setup = d => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(d, "x.json")) },
        new("status with a JSON file as store", ["status", "--store", "{dir}/x.json"], ExitCodes.StoreUnusable, ["x.json", "not a HASS store"])
            { Setup = d => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(d, "x.json")) },
        new("run with a JSON file as store", ["run", HassProcess.SyntheticCampaign, "--store", "{dir}/x.json"], ExitCodes.StoreUnusable, ["x.json", "not a HASS store"])
            { Setup = d => File.Copy(HassProcess.SyntheticCampaign, Path.Combine(d, "x.json")) },
        new("status on a missing store", ["status"], ExitCodes.StoreUnusable, ["hass.db does not exist"]),
        new("trials on a missing store", ["trials", "synthetic"], ExitCodes.StoreUnusable, ["hass.db does not exist"]),
        new("report on a missing store", ["report", "synthetic"], ExitCodes.StoreUnusable, ["hass.db does not exist"]),
        new("board measure on a missing store", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:9"], ExitCodes.StoreUnusable, ["hass.db does not exist"]),
        new("a folder as store", ["status", "--store", "{dir}"], ExitCodes.StoreUnusable, ["is a folder"]),
        new("a device as store", ["run", HassProcess.SyntheticCampaign, "--store", "/dev/zero"], ExitCodes.StoreUnusable, ["/dev/zero", "not a regular file"]),

        // Lock, PID and log files are never followed through a link (item 4).
        new("PID file is a symbolic link", ["status"], ExitCodes.StoreUnusable, ["hass.db.lock.pid is a symbolic link"]) { Setup = d => Victim(d, "hass.db.lock.pid") },
        new("lock file is a symbolic link", ["run", HassProcess.SyntheticCampaign], ExitCodes.StoreUnusable, ["hass.db.lock is a symbolic link"]) { Setup = d => Victim(d, "hass.db.lock") },
        new("log file is a symbolic link", ["run", HassProcess.SyntheticCampaign], ExitCodes.StoreUnusable, ["hass-log.db is a symbolic link"]) { Setup = d => Victim(d, "hass-log.db") },

        // Damaged stores: exit 4, and hass run writes nothing (item 7).
        new("run on a truncated store", ["run", HassProcess.SyntheticCampaign], ExitCodes.StoreUnusable, ["damaged", "not changed"])
            { Setup = d => { WriteStore(d); var b = File.ReadAllBytes(Store(d)); File.WriteAllBytes(Store(d), b[..(b.Length - 3000)]); } },
        new("run on a store with a zeroed collection page", ["run", HassProcess.SyntheticCampaign], ExitCodes.StoreUnusable, ["damaged", "not changed"])
            { Setup = d => Damage(d, b => Array.Clear(b, 8192, 8192)) },
        new("status on a store with a zeroed header", ["status"], ExitCodes.StoreUnusable, ["damaged", "not changed"])
            { Setup = d => Damage(d, b => Array.Clear(b, 0, 8192)) },
        new("trials on a store with flipped bits", ["trials", "synthetic"], ExitCodes.StoreUnusable, ["damaged", "not changed"])
            { Setup = d => Damage(d, b => { for (var i = 8192; i < 3 * 8192; i += 13) b[i] ^= 0xA5; }) },

        // Campaign names are file names: nothing is written outside reports/ (item 8).
        new("campaign named ..", ["run", "{dir}/c.json"], ExitCodes.InvalidInput, ["name: '..'", "not starting with '.'"]) { Setup = d => Campaign(d, "..") },
        new("campaign named .", ["run", "{dir}/c.json"], ExitCodes.InvalidInput, ["name: '.'"]) { Setup = d => Campaign(d, ".") },
        new("campaign named with a slash", ["run", "{dir}/c.json"], ExitCodes.InvalidInput, ["name: '../x'"]) { Setup = d => Campaign(d, "../x") },
        new("--name ..", ["run", HassProcess.SyntheticCampaign, "--name", ".."], ExitCodes.InvalidInput, ["name: '..'"]),
        new("report of campaign ..", ["report", ".."], ExitCodes.InvalidInput, ["cannot name a folder inside", "-o"]) { Setup = WriteStore },

        // Report folders that cannot be written, and input files that are not small regular files (item 10).
        new("report -o onto a file", ["report", "synthetic", "-o", "{dir}/taken.txt"], ExitCodes.InvalidInput, ["cannot write the report into", "taken.txt"])
            { Setup = d => { RunSynthetic(d); File.WriteAllText(Path.Combine(d, "taken.txt"), "x"); } },
        new("run /dev/zero", ["run", "/dev/zero"], ExitCodes.InvalidInput, ["/dev/zero", "not a regular file"]),
        new("run a folder", ["run", "{dir}"], ExitCodes.InvalidInput, ["is a folder"]),
        new("run a 2 MiB campaign file", ["run", "{dir}/big.json"], ExitCodes.InvalidInput, ["big.json", "larger than 1 MiB"])
            { Setup = d => File.WriteAllText(Path.Combine(d, "big.json"), "{ \"name\": \"big\", \"x\": \"" + new string('a', 2 << 20) + "\" }") },
        new("run an empty campaign file", ["run", "{dir}/empty.json"], ExitCodes.InvalidInput, ["empty.json", "is empty"])
            { Setup = d => File.WriteAllText(Path.Combine(d, "empty.json"), "") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
