using Hass.Torch.Models;
using static TorchSharp.torch;

namespace Hass.Torch.Pruning;

/// <summary>
/// Empirical bias correction of a pruned network: every Conv and Linear layer with a bias gets back the mean output per
/// channel that the unpruned network has on the calibration images. Pruning small weights and thresholding
/// activations both shift those means (a thresholded ReLU only ever removes positive values), and the shifts add
/// up layer after layer; restoring them recovers most of the accuracy lost without touching a weight or a threshold
/// (the weight zeros stay; activations near a threshold may cross it, which the profile, taken after the correction,
/// sees). The layers are corrected in order in one pass, each on the input its corrected predecessors produce.
/// </summary>
public sealed class BiasCorrection : IDisposable
{
    /// <summary>Images the correction averages over at most (fewer when the campaign has fewer calibration images).</summary>
    public const int MaxImages = 256;

    /// <summary>
    /// The images run as one batch (each layer is corrected on the mean over all of them before the next one runs), so
    /// large inputs get fewer images: at most this many values in any layer's output (128 MB).
    /// </summary>
    public const long MaxValuesPerLayer = 1L << 25;

    private readonly Tensor _images;
    private readonly Dictionary<string, Tensor> _targets = [];

    /// <summary>
    /// Records the unpruned network's per-channel output means on <paramref name="images"/> (the network must be
    /// unpruned now); takes ownership of the images.
    /// </summary>
    public BiasCorrection(HassNet unpruned, Tensor images)
    {
        _images = images;
        Pass(unpruned, (node, output) => _targets[node.Name] = ChannelMean(node, output).detach().clone().DetachFromDisposeScope());
    }

    /// <summary>Corrects the biases of the (pruned) network in place; disposing the handle restores every bias bit for bit.</summary>
    public IDisposable Apply(HassNet pruned)
    {
        var restore = new BiasRestore();
        try
        {
            Pass(pruned, (node, output) =>
            {
                var bias = node.BiasTensor!;
                using var shift = _targets[node.Name] - ChannelMean(node, output);
                restore.Keep(bias);
                bias.add_(shift);
                output.add_(node.Op == NodeOp.Conv ? shift.view(1, -1, 1, 1) : shift.view(1, -1));
            });
        }
        catch
        {
            restore.Dispose();
            throw;
        }
        return restore;
    }

    private void Pass(HassNet net, Action<NetNode, Tensor> atCorrectedLayer)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        net.eval();
        var previous = net.OutputObserver;
        net.OutputObserver = (node, output) =>
        {
            if (node.Op is NodeOp.Conv or NodeOp.Linear && node.BiasTensor is not null) atCorrectedLayer(node, output);
        };
        try { net.forward(_images); }
        finally { net.OutputObserver = previous; }
    }

    /// <summary>Images the correction of <paramref name="net"/> runs: the calibration images, at most <see cref="MaxImages"/>, within <see cref="MaxValuesPerLayer"/>.</summary>
    public static int ImagesFor(HassNet net, int calibrationImages)
    {
        long largestOutput = net.Nodes.Max(n => n.OutputShape.Elements);
        return (int)Math.Min(calibrationImages, Math.Clamp(MaxValuesPerLayer / largestOutput, 1, MaxImages));
    }

    public void Dispose()
    {
        _images.Dispose();
        foreach (var target in _targets.Values) target.Dispose();
        _targets.Clear();
    }

    private static Tensor ChannelMean(NetNode node, Tensor output) =>
        node.Op == NodeOp.Conv ? output.mean([0, 2, 3]) : output.mean([0]);

    private sealed class BiasRestore : IDisposable
    {
        private readonly List<(Tensor Bias, Tensor Original)> _kept = [];

        public void Keep(Tensor bias) => _kept.Add((bias, bias.detach().clone().DetachFromDisposeScope()));

        public void Dispose()
        {
            using var _ = no_grad();
            foreach (var (bias, original) in _kept)
            {
                bias.copy_(original);
                original.Dispose();
            }
            _kept.Clear();
        }
    }
}
