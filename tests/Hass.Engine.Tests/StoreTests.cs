using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

public class StoreTests
{
    [Fact]
    public void Second_open_of_the_same_store_is_refused_with_the_owner_pid()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var first = HassStore.Open(path))
        {
            var e = Assert.Throws<StoreInUseException>(() => HassStore.Open(path));
            Assert.Equal($"store {path} is in use by PID {Environment.ProcessId}; wait for it to finish, stop it, or use another --store", e.Message);
        }
        using var again = HassStore.Open(path);
    }

    [Fact]
    public void Readers_share_a_store_and_keep_writers_out_until_the_last_one_closes()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        HassStore.Open(path).Dispose();
        var first = HassStore.Open(path, StoreAccess.Read);
        using (var second = HassStore.Open(path, StoreAccess.Read))
        {
            Assert.Empty(second.Campaigns());
            var e = Assert.Throws<StoreInUseException>(() => HassStore.Open(path, StoreAccess.Write));
            Assert.Equal($"store {path} is being read by another process (hass status, trials, report, export or dashboard); wait for it to finish, stop it, or use another --store", e.Message);
            Assert.False(File.Exists(path + ".lock.pid"));   // readers write no PID
        }
        Assert.Throws<StoreInUseException>(() => HassStore.Open(path, StoreAccess.Create));
        first.Dispose();
        using var writer = HassStore.Open(path, StoreAccess.Write);
        Assert.True(File.Exists(path + ".lock.pid"));
    }

    [Fact]
    public void A_reader_is_refused_while_a_writer_holds_the_store_naming_the_writer()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using var writer = HassStore.Open(path);
        var e = Assert.Throws<StoreInUseException>(() => HassStore.Open(path, StoreAccess.Read));
        Assert.Equal($"store {path} is in use by PID {Environment.ProcessId}; wait for it to finish, stop it, or use another --store", e.Message);
    }

    [Fact]
    public void Newer_schema_is_refused_and_the_file_is_not_changed()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(path)) store.SetSchemaVersionForTests(HassStore.SchemaVersion + 1);
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<StoreSchemaException>(() => HassStore.Open(path));
        Assert.Contains($"has schema version {HassStore.SchemaVersion + 1}, newer than this hass understands ({HassStore.SchemaVersion}", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
        using var reopenLock = new FileStream(path + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None); // lock was released
    }

    [Fact]
    public void Not_a_store_is_refused_clearly()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        File.WriteAllText(path, new string('x', 20000));
        var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(path));
        Assert.Contains($"store {path}", e.Message);
    }

    [Fact]
    public void Missing_store_is_reported_when_not_creating()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "none.db");
        var e = Assert.Throws<StoreException>(() => HassStore.Open(path, StoreAccess.Read));
        Assert.Contains("does not exist", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Saved_trials_are_announced_after_the_write_and_read_back_one_by_one()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using var store = HassStore.Open(path);
        var seen = new List<(StoreChange Change, int StoredCount)>();
        store.Changed += change => seen.Add((change, store.TrialCount(change.Campaign)));
        var trial = new TrialRecord { Campaign = "c", Number = 4, State = TrialState.Running, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.4 }) };
        store.SaveTrial(trial);
        store.SaveTrial(trial with { State = TrialState.Complete });

        Assert.Equal([TrialState.Running, TrialState.Complete], seen.Select(s => s.Change.Trial!.State));
        Assert.All(seen, s => Assert.Equal(("c", null, 1), (s.Change.Campaign, s.Change.CampaignDocument, s.StoredCount)));
        Assert.Equal(HassJson.Serialize(trial with { State = TrialState.Complete }), HassJson.Serialize(store.GetTrial("c", 4)));
        Assert.Null(store.GetTrial("c", 5));
        Assert.Null(store.GetTrial("other", 4));
    }

    [Fact]
    public void Trials_round_trip_in_order()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(path))
        {
            foreach (var n in new[] { 3, 1, 2 })
                store.SaveTrial(new TrialRecord { Campaign = "c", Number = n, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = n / 10.0 }) });
            store.SaveTrial(new TrialRecord { Campaign = "other", Number = 1, State = TrialState.Failed, Parameters = new ParameterSet(new Dictionary<string, double>()) });
        }
        using var reopened = HassStore.Open(path);
        var trials = reopened.Trials("c");
        Assert.Equal([1, 2, 3], trials.Select(t => t.Number));
        Assert.Equal(0.2, trials[1].Parameters["w:x"]);
    }
    [Fact]
    public void Evaluation_cache_takes_the_parameters_of_a_deep_model()
    {
        // 60 layers and 60 activation sites: the readable key is several KB, over LiteDB's 1,023-byte index limit.
        var values = Enumerable.Range(0, 60).SelectMany(i => new[] { ($"w:features.{i}.block.0.0", 0.123456 + i), ($"a:features.{i}.block.0.2", 0.654321 + i) })
            .ToDictionary(x => x.Item1, x => x.Item2);
        var parameters = new ParameterSet(values);
        Assert.True(parameters.QuantisedKey().Length > 2000);
        var key = Running.Pipeline.CachedEvaluateStage.Key(new string('f', 64), parameters, new EvaluationRequest());
        var other = Running.Pipeline.CachedEvaluateStage.Key(new string('f', 64), parameters with { Values = new Dictionary<string, double>(values) { ["w:features.0.block.0.0"] = 0.5 } }, new EvaluationRequest());
        Assert.NotEqual(key, other);

        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(path))
            store.SaveEvaluation(key, new EvaluationOutcome { Top1 = 91.5, Images = 2000 });
        using var reopened = HassStore.Open(path);
        Assert.Equal(91.5, reopened.GetEvaluation(key)!.Top1);
        Assert.Null(reopened.GetEvaluation(other));
    }
}
