using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Engine.Running;

/// <summary>
/// The loaded backends as the final table calls them. After an interrupt, an Optimize that ignores cancellation is left behind
/// once the <see cref="StopGrace"/> is over, with one warning naming the backend and its plugin, and the table stops with the
/// cancellation: nothing of it is stored, and running the same command again makes it. Evaluate, which takes no token, is passed through.
/// </summary>
public sealed class FinalBackends(HassComponents components, StopGrace grace, Action<string> warning)
{
    public IAcceleratorBackend Get(string name) => new UnderStopGrace(components.Backend(name), grace, warning);

    /// <summary>The backend, or null when no loaded plugin provides it.</summary>
    public IAcceleratorBackend? Find(string name) => components.Names(ComponentKind.Backend).Contains(name) ? Get(name) : null;

    private sealed class UnderStopGrace(IAcceleratorBackend inner, StopGrace grace, Action<string> warning) : IAcceleratorBackend
    {
        public string Name => inner.Name;
        public string Description => inner.Description;
        public string Version => inner.Version;
        public string? DenseCounterpart => inner.DenseCounterpart;

        public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) =>
            grace.RunOrLeaveBehind(() => inner.Optimize(graph, profile, board, options, cancellationToken), LeftBehind, cancellationToken);

        public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
            inner.Evaluate(graph, profile, board, folding, options);

        private void LeftBehind() =>
            warning($"the final table {grace.DidNotStop(CheckedBackend.WhoIs(inner))}; its design call is left behind, and running the same command again makes the table");
    }
}
