using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

/// <summary>
/// 16-bit fixed-point emulation (on by default, as in the HASS flow), which decides which values are exactly zero.
/// Weights: per-tensor dynamic fixed point — 16-bit two's complement whose binary point is set by the tensor's
/// largest magnitude m: integer bits I = ⌊log2 m⌋ + 1 (sign excluded), fraction bits F = 15 − I, so the step is
/// 2^−F and m fits. Activations (every intermediate value, and the input image): fixed &lt;16, 8&gt; as in
/// fpgaConvNet's data path, i.e. 8 fraction bits, range [−128, 128 − 2^−8], round to nearest, saturating.
/// Biases stay in float (they enter the wide accumulator). At 8 bits (a campaign's quantisation section) weights
/// use the same per-tensor rule with F = 7 − I, and every node's output gets its own fixed &lt;8, F&gt; with F chosen
/// from the largest magnitude the node produces on calibration images (<see cref="ActivationFormats"/>).
/// </summary>
public static class FixedPoint
{
    public const int ActivationFractionBits = 8;

    /// <summary>Rounds to fixed &lt;16, 8&gt;; Scalars are explicit and disposed (see <see cref="ActivationSite.forward"/>).</summary>
    public static Tensor QuantiseActivations(Tensor x) => QuantiseActivations(x, 16, ActivationFractionBits);

    /// <summary>Rounds to fixed &lt;<paramref name="bits"/>, <paramref name="fractionBits"/>&gt;: round to nearest, saturating.</summary>
    public static Tensor QuantiseActivations(Tensor x, int bits, int fractionBits)
    {
        using var scale = Math.Pow(2, fractionBits).ToScalar();
        using var low = (-Math.Pow(2, bits - 1)).ToScalar();
        using var high = (Math.Pow(2, bits - 1) - 1).ToScalar();
        var y = x.mul(scale);
        y.round_().clamp_(low, high).div_(scale);
        return y;
    }

    /// <summary>The same rounding, in place (for a tensor nothing else reads): one allocation less per layer.</summary>
    public static Tensor QuantiseActivationsInPlace(Tensor x)
    {
        using var scale = Math.Pow(2, ActivationFractionBits).ToScalar();
        using var low = (-32768.0).ToScalar();
        using var high = 32767.0.ToScalar();
        x.mul_(scale).round_().clamp_(low, high).div_(scale);
        return x;
    }

    /// <summary>Fraction bits of the per-tensor format for a tensor whose largest magnitude is <paramref name="maxMagnitude"/>.</summary>
    public static int WeightFractionBits(double maxMagnitude) => FractionBits(maxMagnitude, 16);

    /// <summary>
    /// Fraction bits of a <paramref name="bits"/>-bit two's complement format in which <paramref name="maxMagnitude"/>
    /// fits: F = bits − 1 − I with I = ⌊log2 m⌋ + 1 integer bits (sign excluded).
    /// </summary>
    public static int FractionBits(double maxMagnitude, int bits)
    {
        if (!(maxMagnitude > 0) || double.IsInfinity(maxMagnitude)) return bits - 1;
        int integerBits = (int)Math.Floor(Math.Log2(maxMagnitude)) + 1;
        return Math.Clamp(bits - 1 - integerBits, -16, 40);
    }

    public static void QuantiseWeightsInPlace(Tensor weight) => QuantiseWeightsInPlace(weight, 16);

    /// <summary>Rounds a weight tensor to <paramref name="bits"/>-bit per-tensor dynamic fixed point, in place.</summary>
    public static void QuantiseWeightsInPlace(Tensor weight, int bits)
    {
        using var _ = no_grad();
        double max;
        using (var magnitude = weight.abs())
        using (var largest = magnitude.max()) max = largest.item<float>();
        using var scale = Math.Pow(2, FractionBits(max, bits)).ToScalar();
        using var low = (-Math.Pow(2, bits - 1)).ToScalar();
        using var high = (Math.Pow(2, bits - 1) - 1).ToScalar();
        weight.mul_(scale).round_().clamp_(low, high).div_(scale);
    }
}
