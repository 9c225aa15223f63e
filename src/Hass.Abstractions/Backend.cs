namespace Hass.Abstractions;

/// <summary>
/// An accelerator cost model with its design-space exploration. Sees only the graph, the sparsity profile
/// and the board: never TorchSharp, never the store. Must be deterministic for equal inputs and options.
/// </summary>
public interface IAcceleratorBackend : IHassComponent
{
    /// <summary>Bumped whenever results change; part of the design cache key.</summary>
    string Version { get; }

    /// <summary>
    /// The backend that builds the same accelerator without sparsity support (the final table's dense design), or
    /// null when this backend given a dense profile is that design.
    /// </summary>
    string? DenseCounterpart => null;

    /// <summary>Chooses a folding for every layer that maximises throughput within the board's resources.</summary>
    HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default);

    /// <summary>Evaluates a given folding (layers not named get the unit folding).</summary>
    HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options);
}

/// <summary>
/// The network cannot be built on the board at all (a layer alone exceeds a resource even at its smallest folding).
/// Backends throw it with a message naming the board and the resources that do not fit; `hass` reports bad input.
/// </summary>
public sealed class DesignDoesNotFitException(string message) : InvalidOperationException(message);
