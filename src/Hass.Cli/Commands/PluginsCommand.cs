using System.CommandLine;
using Hass.Abstractions;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass plugins`: every loaded component with its plugin, version and description; load errors after.</summary>
public sealed class PluginsCommand : ICliCommand
{
    public int Order => 60;
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("plugins", "List loaded plugin components (kind, name, plugin, version, description) and plugin load errors");
        cmd.Options.Add(Json);
        cmd.SetAction(run((ctx, _) =>
        {
            var catalog = ctx.BuildHost(null, reportPluginErrors: false).Services.GetRequiredService<PluginCatalog>();
            var rows = catalog.Plugins.SelectMany(p => p.Components.Select(c => new
            {
                Kind = c.Kind.ToString().ToLowerInvariant(), c.Name, Plugin = p.Manifest.Name, Version = p.Manifest.Version, c.Description, p.Folder,
            })).OrderBy(r => r.Kind, StringComparer.Ordinal).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();
            if (ctx.Parse.GetValue(Json))
            {
                ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(new { components = rows, errors = catalog.Errors }, indented: true));
            }
            else
            {
                var table = new Table().AddColumns("kind", "name", "plugin", "version", "description");
                foreach (var r in rows) table.AddRow(Markup.Escape(r.Kind), Markup.Escape(r.Name), Markup.Escape(r.Plugin), Markup.Escape(r.Version), Markup.Escape(r.Description));
                ctx.Out.Write(table);
                if (rows.Count == 0) ctx.Out.WriteLine("no plugin components loaded");
            }
            foreach (var e in catalog.Errors) ctx.Error.WriteLine("error: " + e.Message);
            return Task.FromResult(catalog.Errors.Count > 0 ? ExitCodes.PluginErrors : ExitCodes.Success);
        }));
        return cmd;
    }
}
