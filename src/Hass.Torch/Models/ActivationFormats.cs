using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>
/// Per-node fixed-point formats of narrow (8-bit) activations: node → fraction bits F of fixed &lt;bits, F&gt;, chosen
/// so the largest magnitude the node produced on calibration images fits (<see cref="FixedPoint.FractionBits"/>),
/// the per-layer data type fpgaConvNet configurations carry. Every node's output is rounded to its own format
/// (ReLU and max pooling included: their range is at most their input's, so F never shrinks along them).
/// </summary>
public sealed class ActivationFormats
{
    private readonly Dictionary<string, int> _fractionBits;

    private ActivationFormats(int bits, Dictionary<string, int> fractionBits)
    {
        Bits = bits;
        _fractionBits = fractionBits;
    }

    public int Bits { get; }
    public IReadOnlyDictionary<string, int> FractionBits => _fractionBits;

    /// <summary>Runs <paramref name="calibration"/> (normalised images) through the float network to find each node's range.</summary>
    public static ActivationFormats Calibrate(HassNet net, int bits, Tensor calibration)
    {
        var largest = new Dictionary<string, double>();
        var (previousObserver, previousFixed, previousNarrow) = (net.OutputObserver, net.FixedPointActivations, net.NarrowActivations);
        net.OutputObserver = (node, output) =>
        {
            using var magnitude = output.abs();
            using var max = magnitude.max();
            largest[node.Name] = Math.Max(largest.GetValueOrDefault(node.Name), max.item<float>());
        };
        net.FixedPointActivations = false;
        try
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();
            net.call(calibration);
        }
        finally
        {
            (net.OutputObserver, net.FixedPointActivations, net.NarrowActivations) = (previousObserver, previousFixed, previousNarrow);
        }
        return new ActivationFormats(bits, largest.ToDictionary(p => p.Key, p => FixedPoint.FractionBits(p.Value, bits)));
    }

    public Tensor Quantise(NetNode node, Tensor output) => FixedPoint.QuantiseActivations(output, Bits, _fractionBits[node.Name]);
}
