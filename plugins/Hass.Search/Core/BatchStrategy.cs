using Hass.Abstractions;

namespace Hass.Search.Core;

/// <summary>
/// Base of the strategies that advance in steps (uniform, greedy, anneal, nsga2): each step is a batch of
/// points planned from everything told so far. A batch is planned only when no trial is in flight, and its
/// points are handed out by Ask in order; when the batch is used up, CanAsk is false until every trial in
/// flight has been told (then the next batch is planned). CanAsk false with nothing in flight means finished.
/// Because a batch is planned only from a settled history, replaying stored trials in number order rebuilds
/// every batch exactly, whatever order the original trials finished in.
/// </summary>
public abstract class BatchStrategy(string name) : StrategyBase(name)
{
    private readonly Queue<BatchItem> _batch = new();
    private readonly Dictionary<int, object> _tags = [];
    private bool _finished;

    /// <summary>Number of batches planned so far.</summary>
    protected int BatchIndex { get; private set; }

    /// <summary>Plans the next batch from History (no trial in flight); empty means the search is finished.</summary>
    protected abstract IReadOnlyList<BatchItem> PlanBatch();

    /// <summary>The tag of the batch item trial <paramref name="number"/> was asked from (null for queued or unknown trials).</summary>
    protected object? TagOf(int number) => _tags.GetValueOrDefault(number);

    protected override bool CanPropose
    {
        get
        {
            if (_batch.Count > 0) return true;
            if (_finished || InFlight.Count > 0 || QueuedCount > 0) return false;
            var next = PlanBatch();
            BatchIndex++;
            if (next.Count == 0) { _finished = true; return false; }
            foreach (var item in next) _batch.Enqueue(item);
            return true;
        }
    }

    protected bool Finished => _finished;

    protected override string WaitReason() =>
        _finished ? "the search has finished" : $"waiting for {InFlight.Count} trial(s) in flight before planning the next step";

    protected override (ParameterSet Parameters, string Origin) Propose(int number, int proposalIndex)
    {
        var item = _batch.Dequeue();
        if (item.Tag is not null) _tags[number] = item.Tag;
        return (item.Parameters, item.Origin);
    }
}

/// <summary>One planned point; the tag lets the strategy recognise the outcome when it is told.</summary>
public sealed record BatchItem(ParameterSet Parameters, string Origin, object? Tag = null);
