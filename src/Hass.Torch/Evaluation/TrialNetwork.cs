using Hass.Torch.Models;

namespace Hass.Torch.Evaluation;

public static class TrialNetwork
{
    /// <summary>
    /// The network as the accelerator runs it: BatchNorm folded into the convolutions, and with
    /// <paramref name="fixedPoint16"/> the weights rounded to 16-bit per-tensor fixed point and every activation
    /// to fixed&lt;16,8&gt; (see <see cref="FixedPoint"/>); <paramref name="weightBits"/> 8 rounds the weights to 8 bits
    /// instead (8-bit activations are calibrated by the evaluator, <see cref="ActivationFormats"/>). The trained network is not changed.
    /// </summary>
    public static HassNet Prepare(HassNet trained, bool fixedPoint16, int weightBits = 16)
    {
        var net = trained.FoldBatchNorm();
        if (fixedPoint16)
        {
            net.QuantiseWeights(weightBits);
            net.FixedPointActivations = true;
        }
        return net;
    }
}
