using System.Net;
using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Constraints;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

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

        var app = builder.Build();
        app.Use(RequestGuard.Create(options));
        var assets = new EmbeddedFileProvider(typeof(DashboardServer).Assembly, "wwwroot");
        app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = assets });
        app.UseStaticFiles(new StaticFileOptions { FileProvider = assets });
        ApiEndpoints.Map(app);
        return app;
    }
}

/// <summary>
/// Refuses what the dashboard never serves: clients that are not loopback (unless allowed), any method but GET, and
/// (unless remote clients are allowed) a Host header that does not name this machine. Every refusal is a JSON error
/// like the API's, on the pages as well as under /api/.
/// </summary>
internal static class RequestGuard
{
    /// <summary>The host names a loopback-only dashboard answers (any port): a page on another site cannot reach it through a rebound name.</summary>
    private static readonly StringSegment[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

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
        if (!options.AllowRemote && ForeignHost(context.Request) is { } host)
        {
            return new ApiError(StatusCodes.Status400BadRequest,
                $"the dashboard answers only the host names localhost, 127.0.0.1 and [::1], not '{host}': open it as http://localhost:{context.Connection.LocalPort}/ " +
                "(from another machine through an SSH tunnel), or start it with --allow-remote (hass run: --dashboard-allow-remote) to serve other names").ExecuteAsync(context);
        }
        return next(context);
    };

    /// <summary>Loopback, including IPv4 loopback mapped into IPv6. An unknown address (no socket) is not loopback.</summary>
    public static bool IsLoopback(IPAddress? address) =>
        address is not null && (IPAddress.IsLoopback(address) || address.IsIPv4MappedToIPv6 && IPAddress.IsLoopback(address.MapToIPv4()));

    /// <summary>
    /// The request's Host when it is not a loopback name; null for a loopback one (any port) or none (HTTP/1.0). The
    /// match is ASP.NET Core's own (<see cref="HostString.MatchesAny"/>, as its host filtering does); that middleware
    /// is not used because it can answer only with its fixed HTML page or an empty body.
    /// </summary>
    public static string? ForeignHost(HttpRequest request)
    {
        var host = new StringSegment(request.Headers.Host.ToString()).Trim();
        return StringSegment.IsNullOrEmpty(host) || HostString.MatchesAny(host, LoopbackHosts) ? null : host.Value;
    }
}
