using Hass.Abstractions;
using Microsoft.AspNetCore.Http;

namespace Hass.Dashboard;

/// <summary>
/// An error as the dashboard answers it: <c>{"error": "…"}</c> in JSON with the given status. The one writer of that
/// form, used by the API's endpoints (as a result) and by the request guard (before any endpoint is chosen).
/// </summary>
internal sealed record ApiError(int StatusCode, string Message) : IResult
{
    public const string ContentType = "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCode;
        httpContext.Response.ContentType = ContentType;
        return httpContext.Response.WriteAsync(HassJson.Serialize(new { error = Message }));
    }

    public static ApiError NotFound(string message) => new(StatusCodes.Status404NotFound, message);
}
