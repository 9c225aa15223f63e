namespace Hass.Abstractions;

/// <summary>
/// An accelerator cost model with its design-space exploration. Sees only the graph, the sparsity profile
/// and the board: never TorchSharp, never the store. Must be deterministic for equal inputs and options.
/// </summary>
public interface IAcceleratorBackend : IHassComponent
{
    /// <summary>Bumped whenever results change; part of the design cache key.</summary>
    string Version { get; }

    /// <summary>Chooses a folding for every layer that maximises throughput within the board's resources.</summary>
    HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default);

    /// <summary>Evaluates a given folding (layers not named get the unit folding).</summary>
    HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options);
}
