using Hass.Torch.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Tests;

/// <summary>
/// The trainer's optimizer step and batch counting give TorchSharp's own results bit for bit, and, unlike TorchSharp's,
/// survive a thread that collects garbage all the time (docs/models.md, "Temporaries").
/// </summary>
[Collection(CollectingThread.Collection)]
public class HeldScalarTrainingTests
{
    private static nn.Module<Tensor, Tensor> Net()
    {
        random.manual_seed(3);
        return nn.Sequential(nn.Conv2d(1, 4, 3, padding: 1), nn.BatchNorm2d(4, momentum: 0.1), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 2));
    }

    private static (Tensor X, Tensor Y) Batch()
    {
        using var generator = new Generator(11);
        return (randn(new long[] { 8, 1, 6, 6 }, generator: generator), tensor(new long[] { 0, 1, 0, 1, 0, 1, 0, 1 }));
    }

    /// <summary>Steps of cross-entropy training; <paramref name="held"/> uses the trainer's step and counting, else TorchSharp's.</summary>
    private static void Train(nn.Module<Tensor, Tensor> net, bool held, int steps)
    {
        var (x, y) = Batch();
        using (x) using (y)
        {
            var optimizer = held ? new HeldScalarAdamW(net.parameters(), 4e-3, 5e-4) : optim.AdamW(net.parameters(), lr: 4e-3, weight_decay: 5e-4);
            var schedule = optim.lr_scheduler.OneCycleLR(optimizer, max_lr: 4e-3, total_steps: steps);
            using var counts = held ? new DetachedBatchCounts(net) : null;
            net.train();
            for (int step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var loss = nn.functional.cross_entropy(net.call(x), y);
                if (counts is not null) counts.Batches++;
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                schedule.step();
            }
        }
    }

    [Fact]
    public void The_trainers_step_and_counting_give_TorchSharps_state_bit_for_bit()
    {
        using var torchSharps = Net();
        using var held = Net();
        held.load_state_dict(torchSharps.state_dict());   // the same start whatever other tests drew from torch's global generator
        Train(torchSharps, held: false, steps: 60);
        Train(held, held: true, steps: 60);

        var expected = torchSharps.state_dict();
        var actual = held.state_dict();
        Assert.Equal(expected.Keys, actual.Keys);
        foreach (var (name, tensor) in expected)
        {
            Assert.Equal(tensor.dtype, actual[name].dtype);
            Assert.Equal(tensor.shape, actual[name].shape);
            Assert.True(tensor.eq(actual[name]).all().item<bool>(), $"{name} differs");
        }
        Assert.Equal(60L, actual["1.num_batches_tracked"].item<long>());
    }

    [Fact]
    public void Training_under_forced_garbage_collection_never_fails()
    {
        using var collector = new CollectingThread();
        using var net = Net();
        Train(net, held: true, steps: 4000);   // TorchSharp's own step failed within 2,215–2,368 steps of this
        Assert.True(collector.Collections > 10, "the collector thread must have run alongside the training");
    }
}
