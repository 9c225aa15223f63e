using Hass.Abstractions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Hosting;

namespace Hass.Dashboard;

/// <summary>The read-only JSON API, version 1 (docs/dashboard.md "API"). Every route is GET.</summary>
internal static class ApiEndpoints
{
    public const string Prefix = "/api/v1";

    public static void Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Prefix);
        api.MapGet("/", () => Json(new
        {
            version = 1,
            endpoints = new[]
            {
                "/api/v1/campaigns", "/api/v1/campaigns/{name}", "/api/v1/campaigns/{name}/trials", "/api/v1/campaigns/{name}/trials.csv",
                "/api/v1/campaigns/{name}/trials/{n}", "/api/v1/campaigns/{name}/trials/{n}/design", "/api/v1/events",
            },
        }));
        api.MapGet("/campaigns", (DashboardQueries q) => Json(q.Campaigns()));
        api.MapGet("/campaigns/{name}", (string name, DashboardQueries q) => Found(q.Campaign(name), name));
        api.MapGet("/campaigns/{name}/trials", (string name, DashboardQueries q) => Found(q.Trials(name), name));
        api.MapGet("/campaigns/{name}/trials.csv", (string name, DashboardQueries q) => q.TrialsCsv(name) is { } csv
            ? Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"{SafeFileName(name)}-trials.csv")
            : NoCampaign(name));
        MapTrial(api);
        api.MapGet("/events", (ChangeFeed feed, HttpContext context, IHostApplicationLifetime lifetime) =>
        {
            context.Response.Headers.CacheControl = "no-store";
            var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
            context.Response.RegisterForDispose(stop);
            return TypedResults.ServerSentEvents(feed.Subscribe(stop.Token));
        });
        api.MapGet("/{**rest}", (string rest) => ApiError.NotFound($"no API endpoint {Prefix}/{rest}; see {Prefix}/"));
    }

    /// <summary>
    /// A trial number in a path: its canonical decimal form (digits, no sign, no leading zero) within int. Anything
    /// else falls through to the unconstrained route of the same shape, which names the text (docs/dashboard.md "API").
    /// </summary>
    private const string TrialNumber = "{number:int:regex(^(0|[1-9][0-9]*)$)}";

    private static void MapTrial(RouteGroupBuilder api)
    {
        api.MapGet($"/campaigns/{{name}}/trials/{TrialNumber}", (string name, int number, DashboardQueries q) =>
            q.Trial(name, number) is { } trial ? Json(trial) : NoTrial(q, name, number));
        api.MapGet($"/campaigns/{{name}}/trials/{TrialNumber}/design", (string name, int number, DashboardQueries q) =>
            q.Trial(name, number) is not { } trial ? NoTrial(q, name, number)
            : q.Design(trial) is { } design ? Json(design)
            : ApiError.NotFound($"trial {number} of campaign '{name}' has no design (pruned, failed or still running)"));
        api.MapGet("/campaigns/{name}/trials/{number}", (string name, string number) => NotATrialNumber(name, number));
        api.MapGet("/campaigns/{name}/trials/{number}/design", (string name, string number) => NotATrialNumber(name, number));
    }

    /// <summary>JSON in the store's convention (HassJson: camelCase, enums as names), so records read the same as in the store.</summary>
    private static IResult Json<T>(T value) => Results.Content(HassJson.Serialize(value), ApiError.ContentType, System.Text.Encoding.UTF8);

    private static IResult Found<T>(T? value, string name) where T : class => value is null ? NoCampaign(name) : Json(value);

    private static IResult NoCampaign(string name) => ApiError.NotFound($"no campaign '{name}' in the store");

    private static IResult NoTrial(DashboardQueries q, string name, int number) => q.HasCampaign(name)
        ? ApiError.NotFound($"trial {number} of campaign '{name}' is not in the store")
        : NoCampaign(name);

    private static IResult NotATrialNumber(string name, string text) => ApiError.NotFound(
        $"'{text}' is not a trial number: write it as stored, in digits without sign or leading zeros, e.g. {Prefix}/campaigns/{Uri.EscapeDataString(name)}/trials/1");

    private static string SafeFileName(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
