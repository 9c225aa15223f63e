namespace Hass.Torch.Pruning;

/// <summary>How <see cref="PruningEdits.PruneWeights"/> spreads a layer's zeroed weights.</summary>
public enum WeightBalance
{
    /// <summary>Every weight below the threshold (plain magnitude pruning).</summary>
    None,
    /// <summary>As many weights as the threshold zeroes, the same number from every filter (output channel).</summary>
    Filter,
    /// <summary>As many weights as the threshold zeroes, the same number from every kernel (filter × input channel).</summary>
    Kernel,
}
