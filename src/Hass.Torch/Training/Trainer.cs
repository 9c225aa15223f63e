using System.Diagnostics;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Training;

public sealed record TrainingReport(int Epochs, double Seconds, double HeldOutTop1, double FinalLoss);

/// <summary>
/// Supervised training with a fixed seed: AdamW, one-cycle learning rate, cross-entropy; optional flips and
/// ±2-pixel shifts (done on the 8-bit pixels, before normalisation). Shuffling and augmentation draw from
/// System.Random(seed), initialisation from torch's seed, so a run is repeatable on a given machine.
/// Reports one line per epoch with the held-out (search split) accuracy.
/// </summary>
public static class Trainer
{
    public static TrainingReport Train(HassNet net, DataSplits splits, Normalisation normalisation, TrainingRecipe recipe, int seed,
        TextWriter? progress = null, CancellationToken cancellationToken = default)
    {
        if (recipe.Epochs <= 0 || recipe.BatchSize <= 0) throw new ArgumentException("training needs epochs > 0 and batch size > 0");
        torch.random.manual_seed(seed);
        var rng = new Random(seed);
        var train = splits.Train;
        int stepsPerEpoch = (train.Count + recipe.BatchSize - 1) / recipe.BatchSize;
        var optimizer = new HeldScalarAdamW(net.parameters(), recipe.LearningRate, recipe.WeightDecay);
        using var batchCounts = new DetachedBatchCounts(net);
        var schedule = optim.lr_scheduler.OneCycleLR(optimizer, max_lr: recipe.LearningRate, total_steps: stepsPerEpoch * recipe.Epochs);
        var clock = Stopwatch.StartNew();
        double lastLoss = double.NaN, heldOut = double.NaN;
        var order = Enumerable.Range(0, train.Count).ToArray();

        for (int epoch = 1; epoch <= recipe.Epochs; epoch++)
        {
            net.train();
            rng.Shuffle(order);
            var shuffled = train.Reordered(order, "train");
            double lossSum = 0; long correct = 0, seen = 0;
            for (int step = 0; step < stepsPerEpoch; step++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using var scope = NewDisposeScope();
                int start = step * recipe.BatchSize, count = Math.Min(recipe.BatchSize, train.Count - start);
                var (pixels, labels) = shuffled.Batch(start, count);
                if (recipe.Augment) pixels = Augment(pixels, rng);
                var images = normalisation.Apply(pixels);
                var logits = net.call(images);
                batchCounts.Batches++;
                var loss = nn.functional.cross_entropy(logits, labels);
                optimizer.zero_grad();
                loss.backward();
                optimizer.step();
                schedule.step();
                lossSum += loss.item<float>() * count;
                correct += logits.argmax(1).eq(labels).sum().item<long>();
                seen += count;
                if ((step + 1) % 100 == 0 && step + 1 < stepsPerEpoch)
                    progress?.WriteLine($"  epoch {epoch} step {step + 1}/{stepsPerEpoch}  loss {lossSum / seen:F4}  ({clock.Elapsed.TotalSeconds:F0} s)");
            }
            lastLoss = lossSum / seen;
            heldOut = ModelEvaluator.Run(net, splits.HeldOut, normalisation, new PassOptions(), cancellationToken).Top1;
            progress?.WriteLine($"epoch {epoch}/{recipe.Epochs}  loss {lastLoss:F4}  train {100.0 * correct / seen:F2}%  held-out {heldOut:F2}%  ({clock.Elapsed.TotalSeconds:F0} s)");
        }
        net.eval();
        return new TrainingReport(recipe.Epochs, clock.Elapsed.TotalSeconds, heldOut, lastLoss);
    }

    /// <summary>Per-image random horizontal flip and one random ±2-pixel shift per batch (zero fill).</summary>
    private static Tensor Augment(Tensor pixels, Random rng)
    {
        long n = pixels.shape[0], h = pixels.shape[2], w = pixels.shape[3];
        var flips = new bool[n];
        for (int i = 0; i < n; i++) flips[i] = rng.Next(2) == 1;
        var flip = tensor(flips).reshape(n, 1, 1, 1);
        var x = where(flip, pixels.flip(3), pixels);
        int dy = rng.Next(-2, 3), dx = rng.Next(-2, 3);
        if (dx == 0 && dy == 0) return x;
        var padded = nn.functional.pad(x, new long[] { 2, 2, 2, 2 });
        return padded.narrow(2, 2 + dy, h).narrow(3, 2 + dx, w);
    }
}
