using System.CommandLine;

namespace Hass.Cli.Commands;

/// <summary>`hass export &lt;campaign&gt; --trial N [--out DIR] [--format F]`: the pruned ONNX network and the design's configuration for a hardware generator.</summary>
public sealed class ExportCommand : ICliCommand
{
    public int Order => 45;

    private static readonly Argument<string> CampaignName = new("campaign") { Description = "Campaign name in the store" };
    private static readonly Option<int> TrialNumber = new("--trial") { Description = "Trial whose design is exported", Required = true };
    private static readonly Option<string> Out = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "export" }.ForPaths();
    private static readonly Option<bool> Force = new("--force") { Description = "Overwrite the two export files when they already exist" };
    private static readonly Option<string> Format = new("--format")
    {
        Description = "The design exporter: the generator whose configuration is written (hass plugins lists them)", DefaultValueFactory = _ => DesignExportTarget.FpgaConvNet,
    };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("export", "Write a trial's pruned network (ONNX) and its design as a hardware generator's configuration (fpgaConvNet unless --format)") { CampaignName };
        foreach (var o in new Option[] { TrialNumber, Out, Force, Format }) cmd.Options.Add(o);
        cmd.SetAction(run(Interruptible.Action("hass export stopped; nothing was written", (ctx, ct) =>
            Task.FromResult(PrunedExport.Design(ctx, ctx.Parse.GetValue(CampaignName)!, ctx.Parse.GetValue(TrialNumber), ctx.Parse.GetValue(Format)!,
                ctx.Parse.GetValue(Out)!, ctx.Parse.GetValue(Force), ct)))));
        return cmd;
    }
}
