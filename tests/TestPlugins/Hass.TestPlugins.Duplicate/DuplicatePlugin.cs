using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

/// <summary>Registers the backend name "toy", which the synthetic test plugin registers too.</summary>
public sealed class DuplicatePlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new NullBackend());

    private sealed class NullBackend : IAcceleratorBackend
    {
        public string Name => "toy";
        public string Description => "duplicate of the synthetic plugin's toy backend";
        public string Version => "0";
        public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();
        public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options) =>
            throw new NotSupportedException();
    }
}
