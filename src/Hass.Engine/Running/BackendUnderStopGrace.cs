using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Engine.Running;

/// <summary>
/// A backend whose Optimize, after an interrupt, is left behind once the <see cref="StopGrace"/> is over when it ignores
/// cancellation: <paramref name="leftBehind"/> is told (with <see cref="StopGrace.DidNotStop"/>'s words naming the backend and its
/// plugin) and <see cref="OperationCanceledException"/> is thrown. Evaluate, which takes no token, is passed through.
/// </summary>
public sealed class BackendUnderStopGrace(IAcceleratorBackend inner, StopGrace grace, Action<string> leftBehind) : IAcceleratorBackend
{
    public string Name => inner.Name;
    public string Description => inner.Description;
    public string Version => inner.Version;
    public string? DenseCounterpart => inner.DenseCounterpart;

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) =>
        grace.RunOrLeaveBehind(() => inner.Optimize(graph, profile, board, options, cancellationToken),
            () => leftBehind(grace.DidNotStop(CheckedBackend.WhoIs(inner))), cancellationToken);

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
        inner.Evaluate(graph, profile, board, folding, options);
}
