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
