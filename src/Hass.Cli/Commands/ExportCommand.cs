using System.CommandLine;

namespace Hass.Cli.Commands;

/// <summary>`hass export &lt;campaign&gt; --trial N [--out DIR]`: the pruned ONNX network and the fpgaConvNet configuration.</summary>
public sealed class ExportCommand : ICliCommand
{
    public int Order => 45;

    private static readonly Argument<string> CampaignName = new("campaign") { Description = "Campaign name in the store" };
    private static readonly Option<int> TrialNumber = new("--trial") { Description = "Trial whose design is exported", Required = true };
    private static readonly Option<string> Out = new Option<string>("--out") { Description = "Output folder", DefaultValueFactory = _ => "export" }.ForPaths();
    private static readonly Option<bool> Force = new("--force") { Description = "Overwrite the two export files when they already exist" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("export", "Write a trial's pruned network (ONNX) and its design as an fpgaConvNet configuration") { CampaignName };
        cmd.Options.Add(TrialNumber);
        cmd.Options.Add(Out);
        cmd.Options.Add(Force);
        cmd.SetAction(run(Interruptible.Action("hass export stopped; nothing was written", (ctx, ct) =>
            Task.FromResult(PrunedExport.Design(ctx, ctx.Parse.GetValue(CampaignName)!, ctx.Parse.GetValue(TrialNumber), ctx.Parse.GetValue(Out)!, ctx.Parse.GetValue(Force), ct)))));
        return cmd;
    }
}
