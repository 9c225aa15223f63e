using Hass.Abstractions;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.TestPlugins;

public sealed class ThrowingPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) =>
        throw new InvalidOperationException("the test plugin refuses to configure (by design)");
}
