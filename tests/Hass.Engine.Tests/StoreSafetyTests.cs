using Hass.Abstractions;
using Hass.Engine.Storage;
using LiteDB;

namespace Hass.Engine.Tests;

/// <summary>A store path never leads to a file being replaced, written through a link, or "repaired" when damaged.</summary>
public class StoreSafetyTests
{
    private static string NewStore(out string dir)
    {
        dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "hass.db");
        using (var store = HassStore.Open(path))
            for (var n = 1; n <= 5; n++)
                store.SaveTrial(new TrialRecord { Campaign = "c", Number = n, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = n / 10.0 }) });
        return path;
    }

    private static string[] Listing(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [Theory]
    [InlineData(StoreAccess.Read)]
    [InlineData(StoreAccess.Write)]
    [InlineData(StoreAccess.Create)]
    public void A_small_file_that_is_not_a_store_is_refused_and_left_as_it_was(StoreAccess access)
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "x.json");
        File.Copy(TestEnvironment.SyntheticCampaign, path);
        var before = File.ReadAllBytes(path);
        var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(path, access));
        Assert.Contains($"store {path} has {before.Length} bytes", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.Equal(["x.json"], Listing(dir)); // no lock, PID or log file either
    }

    [Theory]
    [InlineData(StoreAccess.Read)]
    [InlineData(StoreAccess.Write)]
    public void A_missing_store_is_only_created_by_Create(StoreAccess access)
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "none.db");
        var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(path, access));
        Assert.Equal($"store {path} does not exist; run a campaign first (hass run) or give --store", e.Message);
        Assert.Empty(Listing(dir));
        using var created = HassStore.Open(path, StoreAccess.Create);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public void A_folder_and_a_device_are_refused()
    {
        var dir = TestEnvironment.TempDir();
        Assert.Contains("is a folder", Assert.ThrowsAny<StoreException>(() => HassStore.Open(dir, StoreAccess.Create)).Message);
        Assert.Contains("is empty or not a regular file", Assert.ThrowsAny<StoreException>(() => HassStore.Open("/dev/null", StoreAccess.Create)).Message);
        Assert.Empty(Listing(dir));
    }

    [Theory]
    [InlineData(".lock.pid")]
    [InlineData(".lock")]
    public void A_lock_or_pid_file_that_is_a_symbolic_link_is_not_followed(string suffix)
    {
        var path = NewStore(out var dir);
        var victim = Path.Combine(dir, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.Delete(path + suffix); // the lock file stays after a store is closed
        File.CreateSymbolicLink(path + suffix, victim);
        foreach (var access in new[] { StoreAccess.Read, StoreAccess.Write })
        {
            var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(path, access));
            Assert.Contains($"{path}{suffix} is a symbolic link", e.Message);
        }
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal(victim, new FileInfo(path + suffix).LinkTarget);
    }

    [Fact]
    public void The_log_file_as_a_symbolic_link_is_refused()
    {
        var path = NewStore(out var dir);
        var victim = Path.Combine(dir, "victim.txt");
        File.WriteAllText(victim, "precious");
        File.CreateSymbolicLink(Path.Combine(dir, "hass-log.db"), victim);
        Assert.Contains("hass-log.db is a symbolic link", Assert.ThrowsAny<StoreException>(() => HassStore.Open(path, StoreAccess.Write)).Message);
        Assert.Equal("precious", File.ReadAllText(victim));
    }

    [Fact]
    public void A_foreign_LiteDB_file_is_refused_and_not_given_a_schema()
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "other.db");
        using (var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
            db.GetCollection("customers").Insert(new BsonDocument { ["_id"] = 1, ["name"] = "x" });
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<StoreDamagedException>(() => HassStore.Open(path, StoreAccess.Create));
        Assert.Contains("without a HASS schema version", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        Assert.DoesNotContain("other-log.db", Listing(dir));
    }

    [Fact]
    public void A_trial_record_without_parameters_is_a_damaged_store()
    {
        var path = NewStore(out _);
        using (var db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            var trials = db.GetCollection("trials");
            var doc = trials.FindAll().First();
            var json = System.Text.Json.Nodes.JsonNode.Parse(doc["json"].AsString)!.AsObject();
            json["parameters"] = null;
            doc["json"] = json.ToJsonString();
            trials.Update(doc);
        }
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<StoreDamagedException>(() => HassStore.Open(path, StoreAccess.Read));
        Assert.Contains("a trial record of campaign 'c' (trial 1) lacks its campaign or parameters", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    public static TheoryData<string> Damages => ["truncated", "header zeroed", "data page zeroed", "last page zeroed", "collection page bits"];

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_store_is_refused_byte_for_byte_unchanged(string damage)
    {
        var path = NewStore(out var dir);
        var bytes = File.ReadAllBytes(path);
        var page = StoreFile.PageSize;
        switch (damage)
        {
            case "truncated": bytes = bytes[..(bytes.Length / 2 + 100)]; break;
            case "header zeroed": Array.Clear(bytes, 0, page); break;
            case "data page zeroed": Array.Clear(bytes, page * 2, page); break;
            case "last page zeroed": Array.Clear(bytes, bytes.Length - page, page); break;
            case "collection page bits": for (var i = page; i < 2 * page; i += 7) bytes[i] ^= 0x5A; break;
        }
        File.WriteAllBytes(path, bytes);
        foreach (var access in new[] { StoreAccess.Read, StoreAccess.Create })
        {
            var e = Assert.ThrowsAny<StoreException>(() => { using var s = HassStore.Open(path, access); s.Trials("c"); });
            Assert.IsNotType<StoreInUseException>(e);
            Assert.Contains("was not changed", e.Message);
            Assert.Equal(bytes, File.ReadAllBytes(path));
            Assert.False(File.Exists(Path.Combine(dir, "hass-log.db")), damage + ": a log file was left");
        }
    }

    /// <summary>The log as a SIGKILL leaves it, and with a later write that a full disk cut half way through its page.</summary>
    [Theory]
    [InlineData(0)]
    [InlineData(StoreFile.PageSize / 2)]
    public void A_store_left_with_a_write_ahead_log_is_read_without_writing_either_file_then_resumed(int cutPageBytes)
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "hass.db");
        var copy = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var log = Path.Combine(Path.GetDirectoryName(copy)!, "hass-log.db");
        using (var store = HassStore.Open(path))
        {
            store.SaveEvaluation("k", new EvaluationOutcome { Top1 = 90, Images = 10 }); // committed, not checkpointed: it is in the log
            File.Copy(path, copy);
            // A cut page is a write LiteDB never committed.
            File.WriteAllBytes(log, [.. File.ReadAllBytes(Path.Combine(dir, "hass-log.db")), .. new byte[cutPageBytes]]);
        }
        var (data, logBytes) = (File.ReadAllBytes(copy), File.ReadAllBytes(log));
        using (var reader = HassStore.Open(copy, StoreAccess.Read))
            Assert.Equal(90, reader.GetEvaluation("k")!.Top1);
        Assert.Equal(data, File.ReadAllBytes(copy));
        Assert.Equal(logBytes, File.ReadAllBytes(log));
        using var writer = HassStore.Open(copy, StoreAccess.Write);
        Assert.Equal(90, writer.GetEvaluation("k")!.Top1);
        writer.SaveEvaluation("k2", new EvaluationOutcome { Top1 = 80, Images = 10 });
        Assert.Equal(80, writer.GetEvaluation("k2")!.Top1);
    }
}
