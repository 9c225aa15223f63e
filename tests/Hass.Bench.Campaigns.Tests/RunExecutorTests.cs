using Hass.Engine.Storage;
using Hass.Testing;

namespace Hass.Bench.Campaigns.Tests;

/// <summary>A run whose store cannot be read fails alone, with the store's message, instead of ending the bench.</summary>
public class RunExecutorTests
{
    private static readonly RunKey Key = new("fmnist-vgg", "zedboard", "hass", 0);

    [Fact]
    public void A_store_in_use_fails_its_run_with_a_message_naming_it()
    {
        var path = Path.Combine(TestFolders.Create(), "run.db");
        using var held = HassStore.Open(path, StoreAccess.Create);
        var result = RunExecutor.Read(Key, path, TimeSpan.Zero);
        Assert.Contains("is in use", result.Error);
        Assert.Contains(path, result.Error);
        Assert.True(double.IsNaN(result.Throughput));
    }

    [Fact]
    public void A_missing_store_fails_its_run_and_is_not_created()
    {
        var path = Path.Combine(TestFolders.Create(), "missing.db");
        var result = RunExecutor.Read(Key, path, TimeSpan.Zero);
        Assert.NotNull(result.Error);
        Assert.Contains(path, result.Error);
        Assert.False(File.Exists(path));
    }
}
