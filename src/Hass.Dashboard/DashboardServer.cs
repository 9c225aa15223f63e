using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Hass.Dashboard;

/// <summary>Builds the dashboard's web application: Kestrel on one address, the guards, the API and the pages.</summary>
internal static class DashboardServer
{
    private static readonly TimeSpan StopWait = TimeSpan.FromSeconds(1);

    public static WebApplication Build(DashboardOptions options, ChangeFeed feed)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardServer).Assembly.GetName().Name });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(options.Address);
        });
        // Stopping waits for requests in progress only this long: a client that sent half a request (or nothing more)
        // would otherwise hold the process, and the store's lock, for the default 30 s.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = StopWait);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(feed);
        builder.Services.AddSingleton<DashboardQueries>();
        // The slim builder leaves out the regex route constraint; the API's trial-number routes use it.
        builder.Services.Configure<RouteOptions>(o => o.SetParameterPolicy<RegexInlineRouteConstraint>("regex"));
        // Loopback-only by default: a page on another site cannot reach it through a rebound host name either.
        builder.Services.Configure<HostFilteringOptions>(o =>
            o.AllowedHosts = options.AllowRemote ? ["*"] : ["localhost", "127.0.0.1", "[::1]"]);

        var app = builder.Build();
        app.Use(RequestGuard.Create(options));
        app.UseHostFiltering();
        var assets = new EmbeddedFileProvider(typeof(DashboardServer).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = assets });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = assets });
        ApiEndpoints.Map(app);
        return app;
    }
}

/// <summary>
/// Refuses what the dashboard never serves: clients that are not loopback (unless allowed) and any method but GET.
/// The refusal is a JSON error like the API's, on the pages as well as under /api/.
/// </summary>
internal static class RequestGuard
{
    public static Func<HttpContext, RequestDelegate, Task> Create(DashboardOptions options) => (context, next) =>
    {
        if (!options.AllowRemote && !IsLoopback(context.Connection.RemoteIpAddress))
        {
            return new ApiError(StatusCodes.Status403Forbidden,
                "the dashboard serves only this machine (loopback); start it with --allow-remote to serve others").ExecuteAsync(context);
        }
        if (!HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Headers.Allow = "GET";
            return new ApiError(StatusCodes.Status405MethodNotAllowed, "the dashboard is read-only: only GET is served").ExecuteAsync(context);
        }
        return next(context);
    };

    /// <summary>Loopback, including IPv4 loopback mapped into IPv6. An unknown address (no socket) is not loopback.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && (IPAddress.IsLoopback(address) || address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));
}
