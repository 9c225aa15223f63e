using System.CommandLine;
using Hass.Abstractions;
using Hass.Engine.Reports;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass report &lt;campaign&gt;`: report.json, trials.csv, pareto.csv and PNG plots in a report folder.</summary>
public sealed class ReportCommand : ICliCommand
{
    public int Order => 40;
    private static readonly Argument<string> CampaignArg = new("campaign") { Description = "Campaign name" };
    private static readonly Option<string?> OutputDir = new("--output", "-o") { Description = "Report folder (default: reports/<campaign>)" };

    public static string DefaultFolder(string campaign) => Path.GetFullPath(Path.Combine("reports", campaign));

    /// <summary>Writes the report folder of <paramref name="name"/> (also called at the end of `hass run`).</summary>
    public static void Write(CliContext ctx, HassStore store, string name, string folder)
    {
        var campaign = store.GetCampaign(name) ?? throw StatusCommand.Unknown(store, name);
        Directory.CreateDirectory(folder);
        var report = CampaignReport.Build(store, campaign);
        var trials = store.Trials(name);
        HassJson.WriteFile(Path.Combine(folder, "report.json"), report);
        File.WriteAllText(Path.Combine(folder, "trials.csv"), CampaignReport.TrialsCsv(report.AllTrials));
        File.WriteAllText(Path.Combine(folder, "pareto.csv"), CampaignReport.TrialsCsv(report.Pareto));
        var files = new List<string> { "report.json", "trials.csv", "pareto.csv", "accuracy-vs-throughput.png", "best-so-far.png" };
        Plots.AccuracyVsThroughput(trials, campaign.BaselineTop1, campaign.Spec.Objective.ToleranceTop1, Path.Combine(folder, "accuracy-vs-throughput.png"));
        Plots.BestSoFar(trials, new Objective(campaign.Spec.Objective), Path.Combine(folder, "best-so-far.png"));
        var best = new Objective(campaign.Spec.Objective).Best(trials);
        if (best?.Design is not null)
        {
            Plots.BestDesignLayers(best, Path.Combine(folder, "best-design-layers.png"));
            files.Add("best-design-layers.png");
        }
        if (campaign.Final is { } final)
        {
            File.WriteAllText(Path.Combine(folder, "final.csv"), FinalTable.Csv(final));
            files.Add("final.csv");
        }
        ctx.Out.WriteLine($"report of '{name}' written to {folder}: {string.Join(", ", files)}");
        if (report.Best is { } b)
            ctx.Out.WriteLine($"best feasible: trial {b.Number}, {b.Throughput:F1} img/s, top-1 {b.Accuracy:F2}%; {report.Pareto.Count} Pareto points; " +
                              $"cache hits: evaluation {report.EvaluationCacheHits}, design {report.DesignCacheHits}");
    }

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("report", "Write a campaign report: JSON, CSV and PNG plots (accuracy vs throughput with the Pareto front, best so far)");
        cmd.Arguments.Add(CampaignArg);
        cmd.Options.Add(OutputDir);
        cmd.SetAction(run((ctx, _) =>
        {
            using var store = ctx.OpenStore(StoreAccess.Read);
            var name = ctx.Parse.GetValue(CampaignArg)!;
            Write(ctx, store, name, Path.GetFullPath(ctx.Parse.GetValue(OutputDir) ?? DefaultFolder(name)));
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }
}
