using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Hass.Dashboard;

public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the dashboard to a generic host: a hosted service that runs its own Kestrel server (its own small
    /// pipeline, so it does not turn the host into a web application) for as long as the host runs.
    /// </summary>
    public static IServiceCollection AddHassDashboard(this IServiceCollection services, DashboardOptions options) =>
        services.AddHassDashboard(_ => options);

    /// <summary>The dashboard with options made from the host's services when it starts (e.g. the store a campaign opens).</summary>
    public static IServiceCollection AddHassDashboard(this IServiceCollection services, Func<IServiceProvider, DashboardOptions> options)
    {
        services.TryAddSingleton(options);
        services.TryAddSingleton<DashboardHostedService>();
        services.AddHostedService(provider => provider.GetRequiredService<DashboardHostedService>());
        return services;
    }
}
