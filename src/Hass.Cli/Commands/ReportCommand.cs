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
    private static readonly Option<string?> OutputDir = new Option<string?>("--output", "-o") { Description = "Report folder (default: reports/<campaign>)" }.ForPaths();

    public static string DefaultFolder(string campaign) => ReportFolder.Default(campaign);

    /// <summary>Writes the report folder of <paramref name="name"/> (also called at the end of `hass run`).</summary>
    public static void Write(CliContext ctx, HassStore store, string name, string folder, CancellationToken cancellationToken = default)
    {
        var campaign = store.GetCampaign(name) ?? throw StatusCommand.Unknown(store, name);
        var report = CampaignReport.Build(store, campaign);
        var trials = store.Trials(name);
        var objective = new Objective(campaign.Spec.Objective);
        var files = new List<(string Name, Action<string> Write)>
        {
            ("report.json", p => HassJson.WriteFile(p, report)),
            ("trials.csv", p => File.WriteAllText(p, CampaignReport.TrialsCsv(report.AllTrials))),
            ("pareto.csv", p => File.WriteAllText(p, CampaignReport.TrialsCsv(report.Pareto))),
            ("accuracy-vs-throughput.png", p => Plots.AccuracyVsThroughput(trials, campaign.BaselineTop1, campaign.Spec.Objective.ToleranceTop1, p)),
            ("best-so-far.png", p => Plots.BestSoFar(trials, objective, p)),
        };
        var best = objective.Best(trials);
        if (best?.Design is not null) files.Add(("best-design-layers.png", p => Plots.BestDesignLayers(best, p)));
        if (campaign.Final is { } final) files.Add(("final.csv", p => File.WriteAllText(p, FinalTable.Csv(final))));
        ReportFolder.Write(folder, files, cancellationToken);
        ctx.Out.WriteLine($"report of '{name}' written to {folder}: {string.Join(", ", files.Select(f => f.Name))}");
        if (report.Best is { } b)
            ctx.Out.WriteLine($"best feasible: trial {b.Number}, {b.Throughput:F1} img/s, top-1 {b.Accuracy:F2}%; {report.Pareto.Count} Pareto points; " +
                              $"cache hits: evaluation {report.EvaluationCacheHits}, design {report.DesignCacheHits}");
        var measured = report.Measurements.Where(m => m.Measured > 0).ToList();
        if (measured.Count > 0)
        {
            var table = new Table().AddColumns("design", "board", "predicted img/s", "measured img/s", "predicted/measured");
            foreach (var m in measured)
                table.AddRow(m.DesignHash[..Math.Min(12, m.DesignHash.Length)], Markup.Escape(m.BoardId), $"{m.Predicted:F1}", $"{m.Measured:F1}", $"{m.Predicted / m.Measured:F3}");
            ctx.Out.Write(table);
            ctx.Out.WriteLine($"{measured.Count} measured design(s): largest |predicted/measured − 1| = {measured.Max(m => Math.Abs(m.Predicted / m.Measured - 1)):P1}");
        }
    }

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("report", "Write a campaign report: JSON, CSV and PNG plots (accuracy vs throughput with the Pareto front, best so far)");
        cmd.Arguments.Add(CampaignArg);
        cmd.Options.Add(OutputDir);
        cmd.SetAction(run(Interruptible.Action("hass report stopped; the report folder is as it was", (ctx, ct) =>
        {
            using var store = ctx.OpenStore(StoreAccess.Read);
            var name = ctx.Parse.GetValue(CampaignArg)!;
            Write(ctx, store, name, Path.GetFullPath(ctx.Parse.GetValue(OutputDir) ?? DefaultFolder(name)), ct);
            return Task.FromResult(ExitCodes.Success);
        })));
        return cmd;
    }
}
