using System.Diagnostics;
using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

public sealed record PassOptions
{
    /// <summary>Images between early-stop checks: where a pass may stop does not depend on <see cref="ChunkSize"/>.</summary>
    public int BatchSize { get; init; } = 250;
    /// <summary>
    /// Images per forward call: a batch runs as chunks of at most this many, and results do not depend on the size.
    /// 64 fmnist images make 3.2 MB per 16-channel activation instead of 12.5 MB for 250, so two evaluators' live
    /// activations stay in the shared L3 cache (bench/results/parallelism.md).
    /// </summary>
    public int ChunkSize { get; init; } = DefaultChunkSize;
    public const int DefaultChunkSize = 64;
    /// <summary>Collect the sparsity profile in the same pass.</summary>
    public bool Profile { get; init; }
    /// <summary>Stop once even a perfect rest cannot keep top-1 within this many points of <see cref="BaselineTop1"/>.</summary>
    public double EarlyStopDrop { get; init; } = double.NaN;
    public double BaselineTop1 { get; init; } = double.NaN;
    public long MaxElementsPerChunk { get; init; } = WindowZeroHistogram.DefaultMaxElements;
    /// <summary>Keep which images were classified right (<see cref="PassResult.Hits"/>).</summary>
    public bool RecordHits { get; init; }
    /// <summary>Another network's <see cref="PassResult.Hits"/> on the same images: count the images lost and gained against it.</summary>
    public bool[]? Reference { get; init; }
    /// <summary>Keep each image's margin (<see cref="PassResult.Margins"/>).</summary>
    public bool RecordMargins { get; init; }
}

public sealed record PassResult
{
    public required double Top1 { get; init; }
    public required int Images { get; init; }
    public required int Correct { get; init; }
    public bool StoppedEarly { get; init; }
    public SparsityProfile? Profile { get; init; }
    public double WeightSparsity { get; init; }
    public double ActivationSparsity { get; init; }
    public double EffectiveSparsity { get; init; }
    public TimeSpan Elapsed { get; init; }
    /// <summary>With <see cref="PassOptions.RecordHits"/>: per image seen, whether it was classified right.</summary>
    public bool[]? Hits { get; init; }
    /// <summary>With <see cref="PassOptions.Reference"/>: images seen that the reference got right and this pass wrong.</summary>
    public int? Lost { get; init; }
    /// <summary>With <see cref="PassOptions.Reference"/>: images seen that the reference got wrong and this pass right.</summary>
    public int? Gained { get; init; }
    /// <summary>With <see cref="PassOptions.RecordMargins"/>: per image seen, its true class's logit minus the largest other logit (&gt; 0: right).</summary>
    public float[]? Margins { get; init; }
    /// <summary>Smoothed top-1, percent: the mean over the images seen of σ(margin) (<see cref="EvaluationOutcome.SoftTop1"/>).</summary>
    public double SoftTop1 { get; init; }
}

/// <summary>One pass over a split: top-1 accuracy and, optionally, the sparsity profile of every conv layer.</summary>
public static class ModelEvaluator
{
    public static PassResult Run(HassNet net, ImageSet images, Normalisation normalisation, PassOptions options, CancellationToken cancellationToken = default)
    {
        Validate(options);
        var clock = Stopwatch.StartNew();
        net.eval();
        using var noGrad = no_grad();
        SparsityProfiler? profiler = options.Profile ? new SparsityProfiler(options.MaxElementsPerChunk) : null;
        var previousObserver = net.ConvObserver;
        if (profiler is not null) net.ConvObserver = profiler.Observe;
        int correct = 0, seen = 0, total = images.Count;
        var tally = HitTally.For(options, total);
        var margins = options.RecordMargins ? new float[total] : null;
        double soft = 0;
        bool stopped = false;
        try
        {
            for (int start = 0; start < total; start += options.BatchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int count = Math.Min(options.BatchSize, total - start);
                for (int chunk = start; chunk < start + count; chunk += options.ChunkSize)
                {
                    using var scope = NewDisposeScope();
                    var (x, labels) = images.NormalisedBatch(chunk, Math.Min(options.ChunkSize, start + count - chunk), normalisation);
                    var logits = net.call(x);
                    var right = logits.argmax(1).eq(labels);
                    correct += (int)right.sum().item<long>();
                    tally?.Add(right, chunk);
                    var chunkMargins = Margins(logits, labels);
                    soft += chunkMargins.Sum(Sigmoid);
                    if (margins is not null) chunkMargins.CopyTo(margins, chunk);
                }
                seen += count;
                if (CannotStayWithinDrop(options, correct, seen, total)) { stopped = true; break; }
            }
        }
        finally
        {
            net.ConvObserver = previousObserver;
        }
        var profile = profiler?.Result(net, seen);
        var weightSparsity = WeightSparsity(net);
        return new PassResult
        {
            Top1 = seen == 0 ? 0 : 100.0 * correct / seen,
            Images = seen,
            Correct = correct,
            StoppedEarly = stopped,
            Profile = profile,
            WeightSparsity = weightSparsity,
            ActivationSparsity = profiler?.ActivationSparsity ?? 0,
            EffectiveSparsity = profile?.EffectiveSparsity(net.ToGraph()) ?? 0,
            Elapsed = clock.Elapsed,
            Hits = tally?.HitsOfFirst(seen),
            Lost = tally?.Lost,
            Gained = tally?.Gained,
            Margins = margins is null ? null : seen == total ? margins : margins[..seen],
            SoftTop1 = seen == 0 ? 0 : 100.0 * soft / seen,
        };
    }

    private static void Validate(PassOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1, nameof(options.BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.ChunkSize, 1, nameof(options.ChunkSize));
    }

    /// <summary>True when even a perfect rest of the split cannot keep top-1 within <see cref="PassOptions.EarlyStopDrop"/>.</summary>
    internal static bool CannotStayWithinDrop(PassOptions options, int correct, int seen, int total)
    {
        if (double.IsNaN(options.EarlyStopDrop) || double.IsNaN(options.BaselineTop1) || seen >= total) return false;
        double bestPossible = 100.0 * (correct + (total - seen)) / total;
        return !AccuracyDrop.Within(options.BaselineTop1 - bestPossible, options.EarlyStopDrop);
    }

    /// <summary>Fraction of zero weights over every Conv and Linear layer.</summary>
    public static double WeightSparsity(HassNet net)
    {
        long zeros = 0, all = 0;
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        using var zero = 0.0.ToScalar();   // explicit Scalars: see ActivationSite.forward
        foreach (var node in net.WeightNodes)
        {
            var w = node.Weight;
            zeros += w.eq(zero).sum().item<long>();
            all += w.numel();
        }
        return all == 0 ? 0 : (double)zeros / all;
    }

    private static double Sigmoid(float margin) => 1.0 / (1.0 + Math.Exp(-margin));

    private static float[] Margins(Tensor logits, Tensor labels)
    {
        using var scope = NewDisposeScope();
        using var lowest = float.NegativeInfinity.ToScalar();
        var index = labels.unsqueeze(1);
        var truth = logits.gather(1, index).squeeze(1);
        var isTruth = nn.functional.one_hot(labels, logits.shape[1]).to_type(@bool);
        var others = logits.masked_fill(isTruth, lowest).max(1).values;
        return truth.sub(others).to_type(float32).data<float>().ToArray();
    }
}

/// <summary>Per-image hits of a pass (<see cref="PassOptions.RecordHits"/>) and the images lost and gained against a reference.</summary>
internal sealed class HitTally
{
    private readonly bool[]? _hits;
    private readonly bool[]? _reference;
    private int _lost, _gained;

    private HitTally(bool[]? hits, bool[]? reference) => (_hits, _reference) = (hits, reference);

    /// <summary>A tally for a pass of <paramref name="total"/> images, or null when the options ask for neither.</summary>
    public static HitTally? For(PassOptions options, int total)
    {
        if (options.Reference is { } reference && reference.Length != total)
            throw new ArgumentException($"the reference has {reference.Length} images, the pass {total}", nameof(options));
        return options.RecordHits || options.Reference is not null ? new HitTally(options.RecordHits ? new bool[total] : null, options.Reference) : null;
    }

    public int? Lost => _reference is null ? null : _lost;
    public int? Gained => _reference is null ? null : _gained;

    /// <summary>Adds a chunk's hits (a bool tensor) for the images from <paramref name="offset"/>.</summary>
    public void Add(Tensor right, int offset)
    {
        var chunk = right.data<bool>().ToArray();
        if (_hits is not null) chunk.CopyTo(_hits, offset);
        if (_reference is null) return;
        for (int i = 0; i < chunk.Length; i++)
            if (_reference[offset + i] != chunk[i]) { if (chunk[i]) _gained++; else _lost++; }
    }

    public bool[]? HitsOfFirst(int seen) => _hits is null ? null : seen == _hits.Length ? _hits : _hits[..seen];
}
