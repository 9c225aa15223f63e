using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Backends.Dataflow;

/// <summary>Registers <c>dataflow-sparse</c> and <c>dataflow-dense</c>.</summary>
public sealed class DataflowPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new DataflowBackend(sparse: true));
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new DataflowBackend(sparse: false));
    }
}
