using Hass.Abstractions;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;
using Hass.Testing;

namespace Hass.Engine.Tests;

/// <summary>The design cache serves a design it stored itself, and never one an engine before its key generation stored.</summary>
public class CachedDesignStageTests
{
    private static readonly NetworkGraph Graph = new() { Name = "g", Layers = [] };
    private static readonly SparsityProfile Profile = new() { Model = "g", Layers = [] };
    private static readonly BoardSpec Board = new() { Name = "b", Dsp = 10, Bram18 = 10, Lut = 1000, Ff = 1000, ClockMhz = 100, MemoryBandwidthGbps = 1 };
    private static readonly DesignOptions EightBit = new() { DataBits = 8, WeightBits = 8 };

    private static TrialWork Work() => new(
        new TrialRecord { Campaign = "c", Number = 1, State = TrialState.Running, Parameters = new ParameterSet(new Dictionary<string, double>()) },
        new EvaluationRequest { Split = "search" }, []) { Profile = Profile };

    /// <summary>The key as engines before generation 2 wrote it.</summary>
    private static string KeyBeforeGeneration2(IAcceleratorBackend backend) =>
        Hashing.Sha256Hex($"{Graph.ContentHash()}|{Profile.ContentHash()}|{Hashing.Sha256Hex(HassJson.Serialize(Board))}|{backend.Name}@{backend.Version}|{HassJson.Serialize(EightBit)}");

    [Fact]
    public async Task A_design_an_older_engine_cached_is_designed_again_and_the_new_one_is_served_after()
    {
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));
        var backend = new RecordingBackend(_ => 100);
        var stale = backend.Optimize(Graph, Profile, Board, new DesignOptions()) with { Performance = new Performance { ThroughputImagesPerSecond = 1 } };
        store.SaveDesign(KeyBeforeGeneration2(backend), stale);
        backend.Calls.Clear();
        var stage = new CachedDesignStage(new DesignStage(Graph, Board, backend, EightBit), store);

        var first = Work();
        await stage.RunAsync(first, CancellationToken.None);
        var second = Work();
        await stage.RunAsync(second, CancellationToken.None);

        Assert.False(first.DesignCacheHit);
        Assert.Equal(100, first.Design!.Performance.ThroughputImagesPerSecond);
        Assert.Equal(EightBit, Assert.Single(backend.Calls).Options);
        Assert.True(second.DesignCacheHit);
        Assert.Equal(100, second.Design!.Performance.ThroughputImagesPerSecond);
    }

    [Fact]
    public async Task A_cached_design_that_fails_the_design_check_is_designed_again()
    {
        using var store = HassStore.Open(Path.Combine(TestEnvironment.TempDir(), "hass.db"));
        var backend = new RecordingBackend(_ => 100);
        var stage = new CachedDesignStage(new DesignStage(Graph, Board, backend, EightBit), store);
        var key = CachedDesignStage.Key(Graph, Profile, Board, backend, EightBit);
        store.SaveDesign(key, backend.Optimize(Graph, Profile, Board, EightBit) with { Performance = new Performance { ThroughputImagesPerSecond = double.PositiveInfinity } });
        backend.Calls.Clear();

        var work = Work();
        await stage.RunAsync(work, CancellationToken.None);

        Assert.False(work.DesignCacheHit);
        Assert.Single(backend.Calls);
        Assert.Equal(100, work.Design!.Performance.ThroughputImagesPerSecond);
        Assert.Equal(100, store.GetDesign(key)!.Performance.ThroughputImagesPerSecond);
    }
}
