using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Hass.Torch.Training;

/// <summary>
/// TorchSharp's AdamW step, the same operations in the same order, with every Scalar held until LibTorch is done with
/// it. TorchSharp's own step converts its coefficients to Scalars implicitly, which the finalizer may free while
/// LibTorch reads them (docs/models.md, "Temporaries"): under a thread that collects all the time it failed within a
/// few thousand steps. AMSGrad and maximize are not supported (no recipe uses them).
/// </summary>
public sealed class HeldScalarAdamW(IEnumerable<Parameter> parameters, double lr, double weightDecay)
    : AdamW(parameters, lr, weight_decay: weightDecay)
{
    public override Tensor step(Func<Tensor>? closure = null) => _step<ParamGroup>(group =>
    {
        var options = (Options)group.Options;
        if (options.amsgrad == true || options.maximize == true) throw new NotSupportedException("HeldScalarAdamW: amsgrad and maximize are not supported");
        double beta1 = options.beta1!.Value, beta2 = options.beta2!.Value, lr = options.LearningRate!.Value;
        using Scalar decay = (1 - lr * options.weight_decay!.Value).ToScalar(), beta1Scalar = beta1.ToScalar(), beta2Scalar = beta2.ToScalar();
        using Scalar oneMinusBeta1 = (1 - beta1).ToScalar(), oneMinusBeta2 = (1 - beta2).ToScalar();
        using Scalar eps = options.eps!.Value.ToScalar(), one = 1.ToScalar();
        foreach (var parameter in group.Parameters)
        {
            var state = (State)_state[parameter.Handle];
            var grad = parameter.grad;
            if (grad is null) continue;
            state.step += 1;
            parameter.mul_(decay);
            double biasCorrection1 = 1 - Math.Pow(beta1, state.step), biasCorrection2 = 1 - Math.Pow(beta2, state.step);
            state.exp_avg.mul_(beta1Scalar).add_(grad, oneMinusBeta1);
            state.exp_avg_sq.mul_(beta2Scalar).addcmul_(grad, grad, oneMinusBeta2);
            using Scalar root = Math.Sqrt(biasCorrection2).ToScalar(), stepSize = (-(lr / biasCorrection1)).ToScalar();
            var denominator = state.exp_avg_sq.sqrt().div(root).add_(eps, one);
            parameter.addcdiv_(state.exp_avg, denominator, stepSize);
        }
    }, closure);
}
