using System.Text.Json;
using Hass.Abstractions;
using Hass.Torch.Models;

namespace Hass.Torch.Pruning;

/// <summary>
/// A pruning criterion (component kind Pruning), registered with
/// <c>services.AddHassComponent&lt;IPruningCriterion&gt;(ComponentKind.Pruning, criterion)</c>.
/// It is attached to one prepared network and then turns parameter sets into pruned weights and thresholds.
/// </summary>
public interface IPruningCriterion : IHassComponent
{
    /// <summary>Binds the criterion to <paramref name="net"/> with its settings (JSON object; undefined = defaults).</summary>
    IPruningSession Attach(HassNet net, JsonElement settings);
}

public interface IPruningSession
{
    /// <summary>One dimension per layer / site (or global ones), with ranges; defaults leave the network unchanged.</summary>
    SearchSpace SearchSpace { get; }

    /// <summary>Settings as understood (defaults filled in); part of the evaluator fingerprint.</summary>
    string SettingsKey { get; }

    /// <summary>
    /// Whether the evaluator corrects the pruned network's biases before scoring it (<see cref="OutputCorrection"/>,
    /// on the calibration images): a criterion asks for it, the evaluator has the images.
    /// </summary>
    bool CorrectsBias => false;

    /// <summary>
    /// Whether the evaluator also corrects each layer's output spread per channel by scaling its weights
    /// (<see cref="OutputCorrection"/>); implies the bias correction.
    /// </summary>
    bool CorrectsScale => false;

    /// <summary>
    /// Whether the evaluator refits each convolution's remaining weights to the unpruned layer's output instead of only
    /// its bias (<see cref="WeightReconstruction"/>); implies the bias correction of the other layers.
    /// </summary>
    bool ReconstructsWeights => false;

    /// <summary>
    /// Prunes the network in place. Disposing (or reverting) the handle restores every weight bit for bit and every
    /// threshold; only the zeroed values are kept, never a copy of the model. One handle may be live at a time.
    /// </summary>
    IPruningHandle Apply(ParameterSet parameters);
}

public interface IPruningHandle : IDisposable
{
    /// <summary>Per-layer weight thresholds in weight units actually applied (after relative scaling).</summary>
    IReadOnlyDictionary<string, double> WeightThresholds { get; }
    IReadOnlyDictionary<string, double> ActivationThresholds { get; }
    void Revert();
}
