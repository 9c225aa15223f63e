using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Torch.Models;

public enum ActivationKind { ReLU, ReLU6, Hardswish, Hardsigmoid }

/// <summary>
/// An activation layer that can carry a HASS activation threshold t (t = 0: the plain activation).
/// ReLU: y = x if x &gt; t else 0. ReLU6: y = min(x, 6) if x &gt; t else 0 (the clip at 6 is kept).
/// Hardswish: y = hs(x) if |hs(x)| &gt; t else 0 (hardswish is negative on (−3, 0), so the magnitude decides).
/// Hardsigmoid (squeeze-excite gate) ignores the threshold.
/// </summary>
public sealed class ActivationSite : nn.Module<Tensor, Tensor>
{
    public ActivationSite(ActivationKind kind) : base(kind.ToString()) => Kind = kind;

    public ActivationKind Kind { get; }

    private double _threshold;
    public double Threshold
    {
        get => _threshold;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "an activation threshold must be a finite number >= 0");
            if (Kind == ActivationKind.Hardsigmoid && value != 0)
                throw new InvalidOperationException("a hardsigmoid (squeeze-excite gate) cannot take an activation threshold");
            _threshold = value;
        }
    }

    /// <summary>True for the kinds a threshold applies to.</summary>
    public bool Thresholdable => Kind != ActivationKind.Hardsigmoid;

    /// <summary>
    /// Every Scalar and temporary tensor is created, kept alive and disposed here explicitly: an implicitly
    /// converted Scalar (<c>x &lt;= t</c>) is unreachable while libtorch still reads it, so the finalizer thread
    /// can free it mid-call (wrong values or a native error under garbage-collection pressure).
    /// </summary>
    public override Tensor forward(Tensor x)
    {
        var t = _threshold;
        if (t == 0 || Kind == ActivationKind.Hardsigmoid)
        {
            return Kind switch
            {
                ActivationKind.ReLU => nn.functional.relu(x),
                ActivationKind.ReLU6 => nn.functional.relu6(x),
                ActivationKind.Hardswish => nn.functional.hardswish(x),
                _ => nn.functional.hardsigmoid(x),
            };
        }
        using var threshold = t.ToScalar();
        using var zero = 0.0.ToScalar();
        return Kind switch
        {
            ActivationKind.ReLU => x.threshold(threshold, zero),
            ActivationKind.ReLU6 => ClippedReLU6(x, threshold, zero),
            _ => ThresholdedHardswish(x, threshold, zero),
        };
    }

    /// <summary><paramref name="values"/> with zeros where <paramref name="decider"/> ≤ threshold.</summary>
    private static Tensor ZeroAtOrBelow(Tensor values, Tensor decider, Scalar threshold, Scalar zero)
    {
        using var mask = decider.le(threshold);
        return values.masked_fill(mask, zero);
    }

    /// <summary>min(x, 6) if x &gt; t else 0: zeroing first and clipping after gives the same values in two passes.</summary>
    private static Tensor ClippedReLU6(Tensor x, Scalar threshold, Scalar zero)
    {
        using var six = 6.0.ToScalar();
        var y = x.threshold(threshold, zero);
        return y.clamp_max_(six);
    }

    private static Tensor ThresholdedHardswish(Tensor x, Scalar threshold, Scalar zero)
    {
        using var y = nn.functional.hardswish(x);
        using var magnitude = y.abs();
        return ZeroAtOrBelow(y, magnitude, threshold, zero);
    }
}
