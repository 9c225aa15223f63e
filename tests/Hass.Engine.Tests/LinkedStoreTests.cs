using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Engine.Tests;

/// <summary>
/// A store path that is a symbolic link is the store it leads to, used where that file is (its lock, PID and log
/// files beside it), so processes reaching one store through different links share one lock.
/// </summary>
public class LinkedStoreTests
{
    private static string[] Listing(string dir) => Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    private static (string Real, string Link, string Project) LinkedStore()
    {
        var shared = TestEnvironment.TempDir();
        var project = TestEnvironment.TempDir();
        var real = Path.Combine(shared, "real.db");
        using (var store = HassStore.Open(real))
            store.SaveTrial(new TrialRecord { Campaign = "c", Number = 1, State = TrialState.Complete, Parameters = new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.1 }) });
        var link = Path.Combine(project, "hass.db");
        File.CreateSymbolicLink(link, real);
        return (real, link, project);
    }

    [Theory]
    [InlineData(StoreAccess.Read)]
    [InlineData(StoreAccess.Write)]
    [InlineData(StoreAccess.Create)]
    public void A_link_to_a_store_opens_that_store_and_keeps_its_files_beside_it(StoreAccess access)
    {
        var (real, link, project) = LinkedStore();
        using (var store = HassStore.Open(link, access))
        {
            Assert.Equal(real, store.Path);
            Assert.Single(store.Trials("c"));
        }
        Assert.Equal(["hass.db"], Listing(project));
        Assert.Equal(real, new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void A_store_opened_through_a_link_is_in_use_for_its_own_path()
    {
        var (real, link, _) = LinkedStore();
        using var owner = HassStore.Open(link, StoreAccess.Write);
        Assert.Throws<StoreInUseException>(() => HassStore.Open(real, StoreAccess.Write));
    }

    [Theory]
    [InlineData(StoreAccess.Read)]
    [InlineData(StoreAccess.Create)]
    public void A_link_to_nothing_is_refused_naming_its_target_and_nothing_is_created(StoreAccess access)
    {
        var dir = TestEnvironment.TempDir();
        var link = Path.Combine(dir, "hass.db");
        File.CreateSymbolicLink(link, "gone.db");
        var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(link, access));
        Assert.Equal($"store {link} is a symbolic link to gone.db, which leads to no file; fix or remove the link, or give another --store", e.Message);
        Assert.Equal(["hass.db"], Listing(dir));
    }

    [Fact]
    public void A_link_to_a_short_file_is_judged_by_the_file_not_the_link()
    {
        var dir = TestEnvironment.TempDir();
        File.WriteAllBytes(Path.Combine(dir, "short.db"), new byte[100]);
        File.CreateSymbolicLink(Path.Combine(dir, "hass.db"), "short.db");
        var e = Assert.ThrowsAny<StoreException>(() => HassStore.Open(Path.Combine(dir, "hass.db"), StoreAccess.Read));
        Assert.Contains("has 100 bytes", e.Message);
    }
}
