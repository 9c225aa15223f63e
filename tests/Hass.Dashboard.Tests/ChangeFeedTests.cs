using System.Net.ServerSentEvents;
using System.Text.Json.Nodes;
using Hass.Engine.Storage;

namespace Hass.Dashboard.Tests;

/// <summary>HassStore.Changed through the change feed, on a copy of a store written by `hass run`.</summary>
public class ChangeFeedTests(FinishedStore fixture) : IClassFixture<FinishedStore>
{
    private HassStore WritableCopy()
    {
        var path = Path.Combine(HassProcess.TempDir(), "copy.db");
        File.Copy(fixture.Path, path);
        return HassStore.Open(path, StoreAccess.Write);
    }

    private static async Task<SseItem<string>> NextAsync(IAsyncEnumerator<SseItem<string>> stream)
    {
        Assert.True(await stream.MoveNextAsync());
        return stream.Current;
    }

    [Fact]
    public async Task Every_save_reaches_every_stream_in_order()
    {
        using var store = WritableCopy();
        using var feed = new ChangeFeed(store, live: true);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var streams = new[] { feed.Subscribe(cancel.Token).GetAsyncEnumerator(), feed.Subscribe(cancel.Token).GetAsyncEnumerator() };
        foreach (var s in streams) Assert.Equal("hello", (await NextAsync(s)).EventType);
        Assert.Equal(2, feed.Subscribers);

        var trial = store.Trials(FinishedStore.Campaign)[3];
        store.SaveTrial(trial with { Origin = "edited" });
        store.SaveCampaign(store.GetCampaign(FinishedStore.Campaign)! with { Message = "saved again" });
        foreach (var s in streams)
        {
            var first = await NextAsync(s);
            Assert.Equal("trial", first.EventType);
            var data = JsonNode.Parse(first.Data)!;
            Assert.Equal(FinishedStore.Campaign, (string)data["campaign"]!);
            Assert.Equal(trial.Number, (int)data["trial"]!["number"]!);
            Assert.Equal("edited", (string)data["trial"]!["origin"]!);
            var second = await NextAsync(s);
            Assert.Equal("campaign", second.EventType);
            Assert.Equal("saved again", (string)JsonNode.Parse(second.Data)!["message"]!);
        }
        feed.Complete();
        foreach (var s in streams)
        {
            Assert.False(await s.MoveNextAsync());
            await s.DisposeAsync();
        }
        Assert.Equal(0, feed.Subscribers);
    }

    [Fact]
    public async Task A_stream_that_falls_behind_is_told_to_resync_and_keeps_the_newest_saves()
    {
        using var store = WritableCopy();
        using var feed = new ChangeFeed(store, live: true, queueLength: 4);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var stream = feed.Subscribe(cancel.Token).GetAsyncEnumerator();
        Assert.Equal("hello", (await NextAsync(stream)).EventType);

        var trials = store.Trials(FinishedStore.Campaign).Take(10).ToList();
        foreach (var t in trials) store.SaveTrial(t);
        Assert.Equal("resync", (await NextAsync(stream)).EventType);
        var numbers = new List<int>();
        for (var i = 0; i < 4; i++) numbers.Add((int)JsonNode.Parse((await NextAsync(stream)).Data)!["trial"]!["number"]!);
        Assert.Equal(trials.TakeLast(4).Select(t => t.Number), numbers);
    }

    [Fact]
    public async Task A_read_only_store_feed_says_it_is_not_live()
    {
        using var feed = new ChangeFeed(fixture.Store, live: false);
        await using var stream = feed.Subscribe(CancellationToken.None).GetAsyncEnumerator();
        var hello = await NextAsync(stream);
        Assert.False((bool)JsonNode.Parse(hello.Data)!["live"]!);
        feed.Complete();
        Assert.False(await stream.MoveNextAsync());
    }
}
