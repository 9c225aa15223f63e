using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Dashboard;

/// <summary>
/// Fans the store's saves out to every open event stream as deltas (one trial row, or the campaign's state).
/// The store's writer only enqueues; a stream that falls too far behind is told to reload instead of
/// holding the campaign back or growing without bound.
/// </summary>
internal sealed class ChangeFeed : IDisposable
{
    public const int DefaultQueueLength = 4096;
    private readonly int _queueLength;
    private readonly HassStore _store;
    private readonly bool _live;
    private readonly object _gate = new();
    private readonly List<Subscriber> _subscribers = [];
    private readonly CancellationTokenSource _closed = new();

    private sealed class Subscriber
    {
        public required Channel<StoreChange> Queue { get; init; }
        public volatile bool Overflowed;
    }

    public ChangeFeed(HassStore store, bool live, int queueLength = DefaultQueueLength)
    {
        _store = store;
        _queueLength = queueLength;
        _live = live;
        if (live) store.Changed += OnChanged;
    }

    public int Subscribers { get { lock (_gate) return _subscribers.Count; } }

    private void OnChanged(StoreChange change)
    {
        lock (_gate)
            foreach (var s in _subscribers) s.Queue.Writer.TryWrite(change);
    }

    /// <summary>The event stream of one page: "hello", then one event per save; ends when the server stops.</summary>
    public async IAsyncEnumerable<SseItem<string>> Subscribe([EnumeratorCancellation] CancellationToken requestAborted)
    {
        Subscriber? subscriber = null;
        subscriber = new Subscriber
        {
            Queue = Channel.CreateBounded<StoreChange>(new BoundedChannelOptions(_queueLength) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
                _ => subscriber!.Overflowed = true),
        };
        lock (_gate) _subscribers.Add(subscriber);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(requestAborted, _closed.Token);
        try
        {
            yield return new SseItem<string>(HassJson.Serialize(new { live = _live, store = _store.Path }), "hello");
            while (await WaitAsync(subscriber.Queue.Reader, stop.Token))
            {
                while (subscriber.Queue.Reader.TryRead(out var change))
                {
                    if (subscriber.Overflowed)
                    {
                        subscriber.Overflowed = false;
                        yield return new SseItem<string>("{}", "resync");
                    }
                    yield return ToEvent(change);
                }
            }
        }
        finally
        {
            lock (_gate) _subscribers.Remove(subscriber);
        }
    }

    private static async Task<bool> WaitAsync(ChannelReader<StoreChange> reader, CancellationToken token)
    {
        try { return await reader.WaitToReadAsync(token); }
        catch (OperationCanceledException) { return false; }
    }

    private static SseItem<string> ToEvent(StoreChange change) => change.Trial is { } trial
        ? new SseItem<string>(HassJson.Serialize(new { campaign = change.Campaign, trial = TrialRow.From(trial) }), "trial")
        : new SseItem<string>(HassJson.Serialize(CampaignState.From(change.CampaignDocument!)), "campaign");

    /// <summary>Ends every stream (the server is stopping).</summary>
    public void Complete() => _closed.Cancel();

    public void Dispose()
    {
        if (_live) _store.Changed -= OnChanged;
        _closed.Cancel();
        _closed.Dispose();
    }
}
