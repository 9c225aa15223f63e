using Hass.Engine.Storage;
using System.CommandLine;
using Hass.Abstractions;
using Hass.Engine.Running;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass status [campaign]`: all campaigns of the store, or one with its progress.</summary>
public sealed class StatusCommand : ICliCommand
{
    public int Order => 20;
    private static readonly Argument<string?> CampaignArg = new("campaign") { Arity = ArgumentArity.ZeroOrOne, Description = "Campaign name" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("status", "Show the campaigns in the store, or one campaign's progress");
        cmd.Arguments.Add(CampaignArg);
        cmd.Options.Add(Json);
        cmd.SetAction(run((ctx, _) =>
        {
            using var store = ctx.OpenStore(StoreAccess.Read);
            var name = ctx.Parse.GetValue(CampaignArg);
            var campaigns = name is null ? store.Campaigns() : [store.GetCampaign(name) ?? throw Unknown(store, name)];
            var rows = campaigns.Select(c =>
            {
                var trials = store.Trials(c.Name);
                var objective = new Objective(c.Spec.Objective);
                var best = objective.Best(trials);
                return new
                {
                    c.Name, Status = c.Status.ToString().ToLowerInvariant(), Trials = trials.Count(t => t.State != TrialState.Abandoned), Budget = c.Spec.Budget.Trials,
                    Complete = trials.Count(t => t.State == TrialState.Complete), Feasible = trials.Count(t => t.Feasible && t.State == TrialState.Complete),
                    Pruned = trials.Count(t => t.State == TrialState.Pruned), Failed = trials.Count(t => t.State == TrialState.Failed),
                    Abandoned = trials.Count(t => t.State == TrialState.Abandoned), c.BaselineTop1,
                    BestTrial = best?.Number, BestThroughput = best is null ? (double?)null : Objective.Throughput(best), BestAccuracy = best?.Accuracy,
                    c.Spec.Model, Backend = c.Spec.Backend.Name, c.Spec.Board, Strategy = c.Spec.Strategy.Name, c.Message,
                    EvaluationCacheHits = trials.Count(t => t.EvaluationCacheHit), DesignCacheHits = trials.Count(t => t.DesignCacheHit), c.Resumes,
                };
            }).ToList();
            if (ctx.Parse.GetValue(Json))
            {
                ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(rows, indented: true));
                return Task.FromResult(ExitCodes.Success);
            }
            if (rows.Count == 0) { ctx.Out.WriteLine($"no campaigns in {store.Path}"); return Task.FromResult(ExitCodes.Success); }
            var table = new Table().AddColumns("campaign", "status", "trials", "feasible", "pruned", "failed", "best trial", "best img/s", "best top-1", "model", "backend", "board", "strategy");
            foreach (var r in rows)
                table.AddRow(Markup.Escape(r.Name), r.Status, r.Budget is { } b ? $"{r.Trials}/{b}" : $"{r.Trials}", $"{r.Feasible}", $"{r.Pruned}", $"{r.Failed}",
                    r.BestTrial?.ToString() ?? "-", r.BestThroughput?.ToString("F1") ?? "-", r.BestAccuracy?.ToString("F2") ?? "-",
                    Markup.Escape(r.Model), Markup.Escape(r.Backend), Markup.Escape(r.Board), Markup.Escape(r.Strategy));
            ctx.Out.Write(table);
            if (name is not null)
            {
                var r = rows[0];
                ctx.Out.WriteLine($"baseline top-1 {r.BaselineTop1:F2}%, abandoned {r.Abandoned}, cache hits: evaluation {r.EvaluationCacheHits}, design {r.DesignCacheHits}, resumes {r.Resumes}");
                if (!string.IsNullOrEmpty(r.Message)) ctx.Out.WriteLine(r.Message);
            }
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    internal static UsageException Unknown(Engine.Storage.HassStore store, string name) =>
        new($"no campaign '{name}' in {store.Path}; campaigns: {string.Join(", ", store.Campaigns().Select(c => c.Name).DefaultIfEmpty("(none)"))}");
}
