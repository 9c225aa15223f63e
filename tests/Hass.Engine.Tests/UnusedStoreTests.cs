using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>A store `hass run` created and left without anything in it (it failed before storing) is removed when closed.</summary>
public class UnusedStoreTests
{
    private static string[] Listing(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static TrialRecord Trial() => new()
    {
        Campaign = "c", Number = 1, State = TrialState.Complete,
        Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.1 }),
    };

    [Fact]
    public void A_created_store_closed_unused_is_removed_with_its_log()
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "hass.db");
        using (HassStore.Open(path, StoreAccess.Create).RemoveIfClosedUnused())
            Assert.True(File.Exists(path));
        Assert.Equal(["hass.db.lock"], Listing(dir));
        using var again = HassStore.Open(path, StoreAccess.Create);   // the path is free for the next run
        Assert.Empty(again.Campaigns());
    }

    [Fact]
    public void A_created_store_that_holds_a_record_is_kept()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(path, StoreAccess.Create).RemoveIfClosedUnused())
            store.SaveTrial(Trial());
        using var reopened = HassStore.Open(path, StoreAccess.Read);
        Assert.Equal(1, reopened.TrialCount("c"));
    }

    [Theory]
    [InlineData(StoreAccess.Create)]
    [InlineData(StoreAccess.Write)]
    public void An_existing_store_is_never_removed_even_when_empty(StoreAccess access)
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        HassStore.Open(path, StoreAccess.Create).Dispose();
        var before = File.ReadAllBytes(path);
        HassStore.Open(path, access).RemoveIfClosedUnused().Dispose();
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Without_the_request_a_created_empty_store_is_kept()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        HassStore.Open(path, StoreAccess.Create).Dispose();
        Assert.True(File.Exists(path));
    }
}
