using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Backends.Systolic;

/// <summary>Plugin entry type (named by plugin.json's entryAssembly): registers both systolic backends.</summary>
public sealed class SystolicPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services)
    {
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new SystolicBackend(sparse: true));
        services.AddHassComponent<IAcceleratorBackend>(ComponentKind.Backend, new SystolicBackend(sparse: false));
    }
}
