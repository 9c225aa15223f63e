using System.CommandLine;
using System.Net;
using Hass.Dashboard;
using Hass.Engine.Boards;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>The dashboard's command-line options and the host it runs in (`hass dashboard`, `hass run --dashboard`).</summary>
internal static class DashboardHosting
{
    private static readonly string AddressHelp = $"HOST:PORT, [IPv6]:PORT or a port (default 127.0.0.1:{DashboardOptions.DefaultPort}; port 0 = any free port)";

    /// <summary>`hass run --dashboard [ADDR]`; the option takes the next word, so the campaign file goes before it.</summary>
    public static readonly Option<string?> RunOption = new("--dashboard")
    {
        Description = $"Serve the live dashboard while the campaign runs, at ADDR ({AddressHelp}); give the campaign file before it",
        Arity = ArgumentArity.ZeroOrOne,
    };

    static DashboardHosting() => RunOption.Validators.Add(ValidateAddress);

    /// <summary>Checks an address option at parse time, so a bad one is refused before the store is touched.</summary>
    public static void ValidateAddress(System.CommandLine.Parsing.OptionResult result)
    {
        var text = result.GetValueOrDefault<string?>();
        if (string.IsNullOrEmpty(text) || DashboardOptions.ParseAddress(text) is not null) return;
        var campaignFile = text.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? "; a campaign file goes before the option (hass run campaign.json --dashboard)" : "";
        result.AddError($"{result.Option.Name}: '{text}' is not an address; use {AddressHelp}{campaignFile}");
    }

    public static readonly Option<bool> RunAllowRemote = new("--dashboard-allow-remote") { Description = "Let the dashboard serve clients that are not this machine (no authentication: trusted networks only)" };

    public static IPEndPoint Address(string? text, string option)
    {
        if (string.IsNullOrEmpty(text)) return DashboardOptions.DefaultAddress;
        return DashboardOptions.ParseAddress(text)
            ?? throw new UsageException($"{option}: '{text}' is not an address; use {AddressHelp}");
    }

    /// <summary>The address `hass run --dashboard` serves on; null without the option.</summary>
    public static IPEndPoint? RunAddress(ParseResult parse) =>
        parse.GetResult(RunOption) is null ? null : Address(parse.GetValue(RunOption), "--dashboard");

    /// <summary>A dashboard address that cannot be listened on is bad input (exit 2), found before anything is created.</summary>
    public static void EnsureCanListen(IPEndPoint address)
    {
        try { DashboardAddressCheck.EnsureCanListen(address); }
        catch (DashboardAddressException e) { throw new UsageException(e.Message); }
    }

    public static DashboardOptions For(CliContext ctx, HassStore store, BoardLibrary boards, IPEndPoint address, bool allowRemote, bool live)
    {
        return new DashboardOptions
        {
            Store = store, Address = address, AllowRemote = allowRemote, Live = live,
            Boards = name => boards.TryGet(name, out var board) ? board : null,
            Started = url => ctx.Out.WriteLine($"dashboard{(live ? " (live)" : "")} of {store.Path} at {url}" +
                                               (allowRemote ? " (serving other machines too)" : "")),
        };
    }
}
