using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Pruning;

/// <summary>
/// Empirical correction of a pruned network's output statistics: every Conv and Linear layer with a bias gets back the
/// mean output per channel that the unpruned network has on the calibration images (bias correction) and, when asked,
/// its spread too (scale correction). Pruning small weights and thresholding activations both shift those means (a
/// thresholded ReLU only ever removes positive values) and shrink the spreads, and both add up layer after layer;
/// restoring them recovers most of the accuracy lost. The bias correction touches no weight; the scale correction
/// multiplies each output channel's weights by one factor, so a zero weight stays zero. No threshold is touched
/// (activations near a threshold may cross it, which the profile, taken after the correction, sees). The layers are
/// corrected in order in one pass, each on the input its corrected predecessors produce.
/// </summary>
public sealed class OutputCorrection : IDisposable
{
    /// <summary>
    /// Bounds of a channel's scale factor: a channel that pruning nearly silenced on the calibration images is not
    /// blown up from a noisy spread, and one whose spread barely moved is corrected in full.
    /// </summary>
    public const double MinScale = 0.5, MaxScale = 2.0;

    /// <summary>Images the correction averages over at most (fewer when the campaign has fewer calibration images).</summary>
    public const int MaxImages = 256;

    /// <summary>
    /// The images run as one batch (each layer is corrected on the mean over all of them before the next one runs), so
    /// large inputs get fewer images: at most this many values in any layer's output (128 MB).
    /// </summary>
    public const long MaxValuesPerLayer = 1L << 25;

    private readonly Tensor _images;
    /// <summary>The unpruned output per layer: mean per channel, and its standard deviation when scaling (else null).</summary>
    private readonly Dictionary<string, (Tensor Mean, Tensor? Spread)> _targets = [];
    /// <summary>With weight reconstruction: the unpruned output of every convolution at the sampled positions (<see cref="WeightReconstruction"/>).</summary>
    private readonly Dictionary<string, Tensor> _sampledOutputs = [];

    /// <summary>
    /// Records the unpruned network's per-channel output means (and, with <paramref name="scale"/>, standard deviations;
    /// with <paramref name="reconstruct"/>, each convolution's sampled outputs) on <paramref name="images"/> (the network
    /// must be unpruned now); takes ownership of the images.
    /// </summary>
    public OutputCorrection(HassNet unpruned, Tensor images, bool scale = false, bool reconstruct = false)
    {
        _images = images;
        Pass(unpruned, (node, _, output) =>
        {
            if (reconstruct && WeightReconstruction.Applies(node)) _sampledOutputs[node.Name] = Copy(WeightReconstruction.SampledOutput(output));
            else if (node.BiasTensor is not null) _targets[node.Name] = (Copy(ChannelMean(node, output)), scale ? Copy(ChannelSpread(node, output)) : null);
        });
    }

    /// <summary>
    /// Corrects the (pruned) network in place: biases and, with scale correction or weight reconstruction, weights.
    /// Disposing the handle restores every changed tensor bit for bit.
    /// </summary>
    public IDisposable Apply(HassNet pruned)
    {
        var restore = new TensorRestore();
        try
        {
            Pass(pruned, (node, input, output) =>
            {
                if (_sampledOutputs.TryGetValue(node.Name, out var sampled))
                {
                    restore.Keep(node.Weight);
                    if (node.BiasTensor is { } b) restore.Keep(b);
                    output.copy_(WeightReconstruction.Refit(node, input!, sampled));
                }
                else if (_targets.TryGetValue(node.Name, out var target)) CorrectMoments(node, output, target, restore);
            });
        }
        catch
        {
            restore.Dispose();
            throw;
        }
        return restore;
    }

    private static void CorrectMoments(NetNode node, Tensor output, (Tensor Mean, Tensor? Spread) target, TensorRestore restore)
    {
        var (targetMean, targetSpread) = target;
        var bias = node.BiasTensor!;
        restore.Keep(bias);
        if (targetSpread is not null)
        {
            // y' = a·y + (m_u − a·m_p) per channel: W ← a·W, b ← a·b + (m_u − a·m_p).
            using Scalar tiny = 1e-12.ToScalar(), low = MinScale.ToScalar(), high = MaxScale.ToScalar();
            var spread = ChannelSpread(node, output);
            var factor = where(spread.gt(tiny), targetSpread / spread.clamp_min(tiny), ones_like(spread)).clamp(low, high);
            restore.Keep(node.Weight);
            node.Weight.mul_(PerChannel(node, factor, weights: true));
            bias.mul_(factor);
            output.mul_(PerChannel(node, factor, weights: false));
        }
        var shift = targetMean - ChannelMean(node, output);
        using var one = 1.ToScalar();   // add_'s own alpha would be an implicit Scalar: see ActivationSite.forward
        bias.add_(shift, one);
        output.add_(PerChannel(node, shift, weights: false), one);
    }

    /// <summary>Runs <paramref name="net"/> on the images and calls back at every Conv and Linear layer with its input (convolutions only) and output.</summary>
    private void Pass(HassNet net, Action<NetNode, Tensor?, Tensor> atLayer)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        net.eval();
        var (previousOutput, previousConv) = (net.OutputObserver, net.ConvObserver);
        Tensor? convInput = null;
        net.ConvObserver = (_, input) => convInput = input;
        net.OutputObserver = (node, output) =>
        {
            if (node.Op is NodeOp.Conv or NodeOp.Linear) atLayer(node, node.Op == NodeOp.Conv ? convInput : null, output);
        };
        try { net.forward(_images); }
        finally { (net.OutputObserver, net.ConvObserver) = (previousOutput, previousConv); }
    }

    private static Tensor Copy(Tensor t) => t.detach().clone().DetachFromDisposeScope();

    /// <summary>A per-channel vector shaped to broadcast over the layer's weights or over its output batch.</summary>
    private static Tensor PerChannel(NetNode node, Tensor values, bool weights) => (node.Op, weights) switch
    {
        (NodeOp.Conv, true) => values.view(-1, 1, 1, 1),
        (NodeOp.Conv, false) => values.view(1, -1, 1, 1),
        (_, true) => values.view(-1, 1),
        _ => values.view(1, -1),
    };

    /// <summary>Images the correction of <paramref name="net"/> runs: the calibration images, at most <see cref="MaxImages"/>, within <see cref="MaxValuesPerLayer"/>.</summary>
    public static int ImagesFor(HassNet net, int calibrationImages)
    {
        long largestOutput = net.Nodes.Max(n => n.OutputShape.Elements);
        return (int)Math.Min(calibrationImages, Math.Clamp(MaxValuesPerLayer / largestOutput, 1, MaxImages));
    }

    public void Dispose()
    {
        _images.Dispose();
        foreach (var (mean, spread) in _targets.Values)
        {
            mean.Dispose();
            spread?.Dispose();
        }
        _targets.Clear();
        foreach (var sampled in _sampledOutputs.Values) sampled.Dispose();
        _sampledOutputs.Clear();
    }

    private static Tensor ChannelMean(NetNode node, Tensor output) =>
        node.Op == NodeOp.Conv ? output.mean([0, 2, 3]) : output.mean([0]);

    private static Tensor ChannelSpread(NetNode node, Tensor output) =>
        node.Op == NodeOp.Conv ? output.std([0, 2, 3]) : output.std([0]);

    private sealed class TensorRestore : IDisposable
    {
        private readonly List<(Tensor Live, Tensor Original)> _kept = [];

        public void Keep(Tensor live) => _kept.Add((live, Copy(live)));

        public void Dispose()
        {
            using var _ = no_grad();
            foreach (var (live, original) in _kept)
            {
                live.copy_(original);
                original.Dispose();
            }
            _kept.Clear();
        }
    }
}
