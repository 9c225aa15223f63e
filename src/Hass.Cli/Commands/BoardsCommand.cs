using System.CommandLine;
using Hass.Abstractions;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass boards`: the board library (boards/ next to hass, $HASS_BOARDS, --boards).</summary>
public sealed class BoardsCommand : ICliCommand
{
    public int Order => 70;
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("boards", "List the boards of the board library and any invalid board files");
        cmd.Options.Add(Json);
        cmd.SetAction(run((ctx, _) =>
        {
            var lib = ctx.LoadBoards(printErrors: false);
            if (ctx.Parse.GetValue(Json))
                ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(new { boards = lib.Entries.Select(e => e.Board), errors = lib.Errors }, indented: true));
            else
            {
                var table = new Table().AddColumns("name", "part", "DSP", "BRAM18", "URAM", "LUT", "FF", "clock MHz", "Gb/s", "link", "file");
                foreach (var (b, file) in lib.Entries)
                    table.AddRow(Markup.Escape(b.Name), Markup.Escape(b.Part), $"{b.Dsp}", $"{b.Bram18}", $"{b.Uram}", $"{b.Lut}", $"{b.Ff}", $"{b.ClockMhz:G4}",
                        $"{b.MemoryBandwidthGbps:G4}", Markup.Escape(b.Link ?? ""), Markup.Escape(Path.GetFileName(file)));
                ctx.Out.Write(table);
                if (lib.Names.Count == 0) ctx.Out.WriteLine($"no boards found (folders: {string.Join(", ", lib.Folders.DefaultIfEmpty("none"))})");
            }
            foreach (var e in lib.Errors) ctx.Error.WriteLine("error: " + e);
            return Task.FromResult(lib.Errors.Count > 0 ? ExitCodes.InvalidInput : ExitCodes.Success);
        }));
        return cmd;
    }
}
