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

    public override Tensor forward(Tensor x)
    {
        var t = _threshold;
        return Kind switch
        {
            ActivationKind.ReLU => t == 0 ? nn.functional.relu(x) : x.masked_fill(x <= t, 0),
            ActivationKind.ReLU6 => t == 0 ? nn.functional.relu6(x) : x.clamp_max(6).masked_fill(x <= t, 0),
            ActivationKind.Hardswish => Hardswish(x, t),
            _ => nn.functional.hardsigmoid(x),
        };
    }

    private static Tensor Hardswish(Tensor x, double t)
    {
        var y = nn.functional.hardswish(x);
        return t == 0 ? y : y.masked_fill(y.abs() <= t, 0);
    }
}
