using Hass.Torch.Models;

namespace Hass.Torch.Evaluation;

public static class TrialNetwork
{
    /// <summary>
    /// The network as the accelerator runs it: BatchNorm folded into the convolutions, and with
    /// <paramref name="fixedPoint16"/> the weights rounded to 16-bit per-tensor fixed point and every activation
    /// to fixed&lt;16,8&gt; (see <see cref="FixedPoint"/>). The trained network is not changed.
    /// </summary>
    public static HassNet Prepare(HassNet trained, bool fixedPoint16)
    {
        var net = trained.FoldBatchNorm();
        if (fixedPoint16)
        {
            net.QuantiseWeights();
            net.FixedPointActivations = true;
        }
        return net;
    }
}
