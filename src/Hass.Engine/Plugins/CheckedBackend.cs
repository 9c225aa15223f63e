using Hass.Abstractions;

namespace Hass.Engine.Plugins;

/// <summary>
/// A loaded backend as the engine uses it (<see cref="HassComponents.Backend"/>): the one place its designs enter the engine.
/// Every design is checked (<see cref="DesignCheck"/>), and a design that fails the check, or an exception the backend throws,
/// becomes a <see cref="PluginFaultException"/> naming the backend and its plugin: a trial then fails with that message and
/// nothing it returned reaches the store. Cancellation and <see cref="DesignDoesNotFitException"/> pass through unchanged.
/// </summary>
public sealed class CheckedBackend(IAcceleratorBackend inner, string plugin) : IAcceleratorBackend
{
    public IAcceleratorBackend Inner => inner;
    public string Name => inner.Name;
    public string Description => inner.Description;
    public string Version => inner.Version;
    public string? DenseCounterpart => inner.DenseCounterpart;

    /// <summary>How messages name this backend.</summary>
    public string Who => PluginFaultException.Describe("backend", inner.Name, plugin);

    /// <summary>How messages name <paramref name="backend"/>: with its plugin when it is a loaded one.</summary>
    public static string WhoIs(IAcceleratorBackend backend) =>
        backend is CheckedBackend loaded ? loaded.Who : PluginFaultException.Describe("backend", backend.Name, "");

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) =>
        Checked(() => inner.Optimize(graph, profile, board, options, cancellationToken), board, nameof(Optimize));

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
        Checked(() => inner.Evaluate(graph, profile, board, folding, options), board, nameof(Evaluate));

    private HardwareDesign Checked(Func<HardwareDesign> call, BoardSpec board, string name)
    {
        var design = PluginFaultException.Guard<HardwareDesign?>(Who, name, call, e => e is OperationCanceledException or DesignDoesNotFitException, argumentsAreRefusals: true);
        // A given folding (Evaluate) may exceed the board: that is the answer its caller asked for.
        if (DesignCheck.Problem(design, board, mustFit: name == nameof(Optimize)) is { } problem)
            throw PluginFaultException.Of(Who, $"returned a design from {name} {problem}");
        return design!;
    }
}
