using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>
/// 16-bit fixed-point emulation (on by default, as in the HASS flow), which decides which values are exactly zero.
/// Weights: per-tensor dynamic fixed point — 16-bit two's complement whose binary point is set by the tensor's
/// largest magnitude m: integer bits I = ⌊log2 m⌋ + 1 (sign excluded), fraction bits F = 15 − I, so the step is
/// 2^−F and m fits. Activations (every intermediate value, and the input image): fixed &lt;16, 8&gt; as in
/// fpgaConvNet's data path, i.e. 8 fraction bits, range [−128, 128 − 2^−8], round to nearest, saturating.
/// Biases stay in float (they enter the wide accumulator).
/// </summary>
public static class FixedPoint
{
    public const int ActivationFractionBits = 8;
    private const double ActivationScale = 1 << ActivationFractionBits;

    /// <summary>Rounds to fixed &lt;16, 8&gt;; Scalars are explicit and disposed (see <see cref="ActivationSite.forward"/>).</summary>
    public static Tensor QuantiseActivations(Tensor x)
    {
        using var scale = ActivationScale.ToScalar();
        using var low = (-32768.0).ToScalar();
        using var high = 32767.0.ToScalar();
        var y = x.mul(scale);
        y.round_().clamp_(low, high).div_(scale);
        return y;
    }

    /// <summary>The same rounding, in place (for a tensor nothing else reads): one allocation less per layer.</summary>
    public static Tensor QuantiseActivationsInPlace(Tensor x)
    {
        using var scale = ActivationScale.ToScalar();
        using var low = (-32768.0).ToScalar();
        using var high = 32767.0.ToScalar();
        x.mul_(scale).round_().clamp_(low, high).div_(scale);
        return x;
    }

    /// <summary>Fraction bits of the per-tensor format for a tensor whose largest magnitude is <paramref name="maxMagnitude"/>.</summary>
    public static int WeightFractionBits(double maxMagnitude)
    {
        if (!(maxMagnitude > 0) || double.IsInfinity(maxMagnitude)) return 15;
        int integerBits = (int)Math.Floor(Math.Log2(maxMagnitude)) + 1;
        return Math.Clamp(15 - integerBits, -16, 40);
    }

    public static void QuantiseWeightsInPlace(Tensor weight)
    {
        using var _ = no_grad();
        double max;
        using (var magnitude = weight.abs())
        using (var largest = magnitude.max()) max = largest.item<float>();
        using var scale = Math.Pow(2, WeightFractionBits(max)).ToScalar();
        using var low = (-32768.0).ToScalar();
        using var high = 32767.0.ToScalar();
        weight.mul_(scale).round_().clamp_(low, high).div_(scale);
    }
}
