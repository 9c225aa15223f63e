using System.CommandLine;
using Hass.Dashboard;
using Hass.Engine.Boards;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Hass.Cli.Commands;

/// <summary>`hass dashboard`: serves a finished or stopped store read-only in the browser until Ctrl-C.</summary>
public sealed class DashboardCommand : ICliCommand
{
    public int Order => 45;
    private static readonly Option<string?> Address = new("--address") { Description = $"Listen on HOST:PORT, [IPv6]:PORT or a port (default 127.0.0.1:{Dashboard.DashboardOptions.DefaultPort}; port 0 = any free port)" };
    private static readonly Option<bool> AllowRemote = new("--allow-remote") { Description = "Serve clients that are not this machine (no authentication: trusted networks only)" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("dashboard", "Serve the store's campaigns in the browser (read-only; a running campaign serves its own: hass run --dashboard)");
        Address.Validators.Add(DashboardHosting.ValidateAddress);
        cmd.Options.Add(Address);
        cmd.Options.Add(AllowRemote);
        cmd.SetAction(run(async (ctx, ct) =>
        {
            var address = DashboardHosting.Address(ctx.Parse.GetValue(Address), "--address");
            using var store = OpenStore(ctx);
            var allowRemote = ctx.Parse.GetValue(AllowRemote);
            var host = ctx.BuildHost(s => s.AddHassDashboard(sp =>
                DashboardHosting.For(ctx, store, sp.GetRequiredService<BoardLibrary>(), address, allowRemote, live: false)));
            try
            {
                await host.RunAsync(ct);
            }
            catch (Dashboard.DashboardAddressException e)
            {
                throw new UsageException(e.Message);
            }
            return ExitCodes.Success;
        }));
        return cmd;
    }

    private static HassStore OpenStore(CliContext ctx)
    {
        try
        {
            return ctx.OpenStore(StoreAccess.Read);
        }
        catch (StoreInUseException e)
        {
            throw new StoreInUseException(e.StorePath, e.OwnerPid,
                e.Message + "; a running campaign serves its own live dashboard: start it with hass run --dashboard");
        }
    }
}
