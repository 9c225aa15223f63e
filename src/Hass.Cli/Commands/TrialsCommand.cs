using Hass.Engine.Storage;
using System.CommandLine;
using Hass.Abstractions;
using Hass.Engine.Reports;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass trials &lt;campaign&gt;`: the trials as a table (sortable) or JSON.</summary>
public sealed class TrialsCommand : ICliCommand
{
    public int Order => 30;
    public static readonly string[] SortKeys = ["number", "throughput", "accuracy", "sparsity", "state", "time"];
    private static readonly Argument<string> CampaignArg = new("campaign") { Description = "Campaign name" };
    private static readonly Option<string> Sort = new("--sort") { Description = $"Sort by {string.Join(" | ", SortKeys)} (throughput/accuracy/sparsity: best first)", DefaultValueFactory = _ => "number" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON (full trial records)" };
    private static readonly Option<int?> Top = NumberOptions.Int("--top", "Show only the first N rows", 1, int.MaxValue);

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("trials", "List the trials of a campaign");
        cmd.Arguments.Add(CampaignArg);
        cmd.Options.Add(Sort);
        cmd.Options.Add(Json);
        cmd.Options.Add(Top);
        cmd.SetAction(run((ctx, _) =>
        {
            var sort = ctx.Parse.GetValue(Sort)!.ToLowerInvariant();
            if (!SortKeys.Contains(sort)) throw new UsageException($"--sort: '{sort}' is not a sort key; use one of {string.Join(", ", SortKeys)}");
            using var store = ctx.OpenStore(StoreAccess.Read);
            var name = ctx.Parse.GetValue(CampaignArg)!;
            var campaign = store.GetCampaign(name) ?? throw StatusCommand.Unknown(store, name);
            var trials = store.Trials(name);
            IEnumerable<TrialRecord> ordered = sort switch
            {
                "throughput" => trials.OrderByDescending(t => t.Design is null ? -1 : Engine.Running.Objective.Throughput(t)),
                "accuracy" => trials.OrderByDescending(t => t.Accuracy ?? -1),
                "sparsity" => trials.OrderByDescending(t => t.EffectiveSparsity),
                "state" => trials.OrderBy(t => t.State).ThenBy(t => t.Number),
                "time" => trials.OrderByDescending(t => t.Timings.Total),
                _ => trials,
            };
            if (ctx.Parse.GetValue(Top) is { } top) ordered = ordered.Take(top);
            var list = ordered.ToList();
            if (ctx.Parse.GetValue(Json))
            {
                ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(list, indented: true));
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().AddColumns("#", "state", "origin", "top-1", "drop", "img/s", "fidelity", "GOP/s/DSP", "DSP", "w-sp", "a-sp", "eff-sp", "feasible", "cache", "s");
            foreach (var t in list)
            {
                var s = CampaignReport.Summarise(t, campaign.BaselineTop1);
                table.AddRow($"{s.Number}", s.State.ToLowerInvariant(), Markup.Escape(s.Origin), F(s.Accuracy, "F2"), F(s.AccuracyDrop, "F2"), F(s.Throughput, "F1"),
                    s.Design() ? s.Fidelity.ToLowerInvariant() : "-", F(s.GopsPerDsp, "F3"), F(s.Dsp, "F0"), $"{s.WeightSparsity:F3}", $"{s.ActivationSparsity:F3}",
                    $"{s.EffectiveSparsity:F3}", s.Feasible ? "yes" : "no", (s.EvaluationCacheHit ? "E" : "") + (s.DesignCacheHit ? "D" : ""), $"{s.TotalSeconds:F2}");
            }
            ctx.Out.Write(table);
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    private static string F(double? v, string format) => v?.ToString(format) ?? "-";
}

internal static class TrialSummaryExtensions
{
    public static bool Design(this TrialSummary s) => s.Throughput is not null;
}
