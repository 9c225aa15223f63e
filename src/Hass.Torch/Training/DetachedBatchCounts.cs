using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Training;

/// <summary>
/// A training BatchNorm counts its batches with <c>num_batches_tracked.add_(1)</c>, a call whose Scalars TorchSharp
/// converts implicitly (docs/models.md, "Temporaries"). With a momentum the count changes nothing else, so the trainer
/// takes the counters away while it trains and <see cref="Dispose"/> puts them back with the count they would have
/// reached: the checkpoint is the one TorchSharp's own counting gives.
/// </summary>
public sealed class DetachedBatchCounts : IDisposable
{
    private readonly List<(BatchNorm2d Norm, long Count)> _counters = [];

    public DetachedBatchCounts(nn.Module net)
    {
        foreach (var module in net.modules())
        {
            if (module is not BatchNorm2d { num_batches_tracked: { } counter } norm) continue;
            if (norm.momentum is null)
                throw new NotSupportedException("a BatchNorm without momentum averages by its batch count; the trainer needs a momentum");
            _counters.Add((norm, counter.item<long>()));
            norm.num_batches_tracked = null;
        }
    }

    /// <summary>Forward passes in training mode so far: each would have added one to every counter.</summary>
    public long Batches { get; set; }

    public void Dispose()
    {
        foreach (var (norm, count) in _counters) norm.num_batches_tracked = tensor(count + Batches);
        _counters.Clear();
    }
}
