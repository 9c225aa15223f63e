using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Hass.Dashboard.Tests;

/// <summary>Read-only and loopback-only: no method but GET, no client that is not this machine unless allowed.</summary>
public class GuardTests(FinishedStore fixture) : IClassFixture<FinishedStore>
{
    public static readonly string[] Routes =
    [
        "", "index.html", "app.js", "api/v1/", "api/v1/campaigns", "api/v1/campaigns/finished", "api/v1/campaigns/finished/trials",
        "api/v1/campaigns/finished/trials.csv", "api/v1/campaigns/finished/trials/1", "api/v1/campaigns/finished/trials/1/design",
        "api/v1/events", "api/v1/campaigns/nope", "no/such/page",
    ];

    public static TheoryData<string> Methods => new() { "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "PROPFIND" };

    [Theory]
    [MemberData(nameof(Methods))]
    public async Task Every_method_but_get_is_405_on_every_route(string method)
    {
        using var http = new HttpClient { BaseAddress = fixture.Url };
        foreach (var route in Routes)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), route) { Content = new StringContent("{}") };
            using var response = await http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.MethodNotAllowed, $"{method} /{route}: {response.StatusCode}");
            Assert.Equal(["GET"], response.Content.Headers.Allow);
            Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
            if (method != "HEAD")
                Assert.Equal("the dashboard is read-only: only GET is served", Error(await response.Content.ReadAsStringAsync()));
        }
        var campaign = fixture.Store.GetCampaign(FinishedStore.Campaign)!;
        Assert.Equal(FinishedStore.Trials, fixture.Store.TrialCount(campaign.Name));
    }

    [Theory]
    [InlineData("192.0.2.7", false, 403)]
    [InlineData("2001:db8::7", false, 403)]
    [InlineData("::ffff:192.0.2.7", false, 403)]
    [InlineData(null, false, 403)]
    [InlineData("127.0.0.1", false, 200)]
    [InlineData("127.8.9.10", false, 200)]
    [InlineData("::1", false, 200)]
    [InlineData("::ffff:127.0.0.1", false, 200)]
    [InlineData("192.0.2.7", true, 200)]
    public async Task Clients_that_are_not_loopback_are_refused_unless_allowed(string? remote, bool allowRemote, int expected)
    {
        var guard = RequestGuard.Create(new DashboardOptions { Store = fixture.Store, AllowRemote = allowRemote });
        var context = new DefaultHttpContext();
        context.Request.Method = "GET";
        context.Connection.RemoteIpAddress = remote is null ? null : IPAddress.Parse(remote);
        context.Response.Body = new MemoryStream();
        var passed = false;
        await guard(context, _ => { passed = true; return Task.CompletedTask; });
        Assert.Equal(expected == 200, passed);
        if (!passed)
        {
            Assert.Equal(expected, context.Response.StatusCode);
            Assert.Equal("application/json; charset=utf-8", context.Response.ContentType);
            context.Response.Body.Position = 0;
            Assert.Contains("--allow-remote", Error(new StreamReader(context.Response.Body).ReadToEnd()));
        }
    }

    private static string Error(string json) => (string)JsonNode.Parse(json)!["error"]!;

    [Theory]
    [InlineData("attacker.example")]
    [InlineData("attacker.example:8765")]
    [InlineData("localhost.attacker.example")]
    [InlineData("192.0.2.7")]
    [InlineData("[2001:db8::7]:80")]
    public async Task A_host_name_that_is_not_loopback_is_a_json_400_naming_it(string host)
    {
        using var response = await GetWithHost(fixture.Url, host);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal($"the dashboard answers only the host names localhost, 127.0.0.1 and [::1], not '{host}': open it as http://localhost:{fixture.Url.Port}/ " +
                     "(from another machine through an SSH tunnel), or start it with --allow-remote (hass run: --dashboard-allow-remote) to serve other names",
            Error(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LocalHost:1")]
    [InlineData("127.0.0.1:8765")]
    [InlineData("[::1]")]
    [InlineData("[::1]:65535")]
    public async Task Loopback_host_names_are_served_on_any_port(string host)
    {
        using var response = await GetWithHost(fixture.Url, host);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task A_request_without_a_host_is_served_and_a_foreign_host_is_served_when_remote_clients_are_allowed()
    {
        using var socket = new System.Net.Sockets.TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, fixture.Url.Port);
        var stream = socket.GetStream();
        await stream.WriteAsync("GET /api/v1/campaigns HTTP/1.0\r\n\r\n"u8.ToArray());
        Assert.StartsWith("HTTP/1.1 200", await new StreamReader(stream).ReadLineAsync());

        await using var open = FinishedStore.Start(fixture.Store, allowRemote: true);
        await open.StartAsync(CancellationToken.None);
        using var response = await GetWithHost(open.Url!, "lab-machine.example");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await open.StopAsync(CancellationToken.None);
    }

    /// <summary>GET of the campaign list with <paramref name="host"/> as the Host header (the body is read before the client goes).</summary>
    private static async Task<HttpResponseMessage> GetWithHost(Uri url, string host)
    {
        using var http = new HttpClient { BaseAddress = url };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/campaigns");
        request.Headers.Host = host;
        return await http.SendAsync(request);
    }

    [Theory]
    [InlineData("8765", "127.0.0.1:8765")]
    [InlineData("127.0.0.1:0", "127.0.0.1:0")]
    [InlineData("localhost:9000", "127.0.0.1:9000")]
    [InlineData("[::1]:8765", "[::1]:8765")]
    [InlineData("0.0.0.0:8080", "0.0.0.0:8080")]
    [InlineData("127.0.0.1", null)]
    [InlineData("127.0.0.1:70000", null)]
    [InlineData("example.org:80", null)]
    [InlineData("campaign.json", null)]
    [InlineData("", null)]
    public void Addresses_are_parsed(string text, string? expected) =>
        Assert.Equal(expected, DashboardOptions.ParseAddress(text)?.ToString());
}
