using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Engine.Running;

/// <summary>
/// The loaded backends as the final table calls them (<see cref="BackendUnderStopGrace"/>). After an interrupt, an Optimize that
/// ignores cancellation is left behind once the <see cref="StopGrace"/> is over, with one warning naming the backend and its plugin,
/// and the table stops with the cancellation: nothing of it is stored, and running the same command again makes it.
/// </summary>
public sealed class FinalBackends(HassComponents components, StopGrace grace, Action<string> warning)
{
    public IAcceleratorBackend Get(string name) => new BackendUnderStopGrace(components.Backend(name), grace,
        didNotStop => warning($"the final table {didNotStop}; its design call is left behind, and running the same command again makes the table"));

    /// <summary>The backend, or null when no loaded plugin provides it.</summary>
    public IAcceleratorBackend? Find(string name) => components.Names(ComponentKind.Backend).Contains(name) ? Get(name) : null;
}
