using Hass.Engine.Campaigns;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>A campaign plan on the console: a header line per search, its trials, its summary, the final table and the report.</summary>
internal sealed class ConsolePlanOutput(CliContext ctx, HassStore store) : IPlanOutput
{
    private ConsoleObserver? _observer;

    /// <summary>The live progress display on a terminal (null when the output is redirected).</summary>
    public ProgressContext? Progress { get; set; }

    public ICampaignObserver SearchStarting(CampaignSpec spec, string storePath)
    {
        ctx.Out.WriteLine($"campaign '{spec.Name}': model {spec.Model}, pruning {spec.Pruning.Name}, backend {spec.Backend.Name}, board {spec.Board}, " +
                          $"strategy {spec.Strategy.Name}, objective {CampaignLoader.MetricName(spec.Objective.Metric)} (tolerance {spec.Objective.ToleranceTop1} points)" +
                          (spec.Parallelism > 1 ? $", {spec.Parallelism} trials in parallel" : "") + $", store {storePath}");
        StopProgress();
        _observer = new ConsoleObserver(ctx, ctx.Services.GetRequiredService<ILogger<CampaignSearch>>())
        {
            Task = Progress?.AddTask(Markup.Escape($"campaign {spec.Name}"), maxValue: spec.Budget.Trials ?? 1),
        };
        return _observer;
    }

    public void StopProgress() => _observer?.Task?.StopTask();

    public void Info(string message) => ctx.Out.WriteLine(message);

    public void Warning(string message) => ctx.Services.GetRequiredService<ILogger<CampaignPlan>>().LogWarning("{Message}", message);

    public void SearchFinished(CampaignResult result)
    {
        ctx.Out.WriteLine($"campaign '{result.Campaign}' {result.Status.ToString().ToLowerInvariant()}: {result.Message}; {result.TrialsRun} trials run now, {result.TrialsTotal} in the store");
        if (result.Best is { } best)
            ctx.Out.WriteLine($"best feasible: trial {best.Number}: {Objective.Throughput(best):F1} img/s ({best.ThroughputFidelity.ToString().ToLowerInvariant()}), top-1 {best.Accuracy:F2}%, " +
                              $"weight sparsity {best.WeightSparsity:P1}, activation sparsity {best.ActivationSparsity:P1}");
        else ctx.Out.WriteLine("no feasible trial yet");
        if (result.Status == CampaignStatus.Interrupted)
            ctx.Error.WriteLine("interrupted: completed trials are in the store; run the same command again to resume");
        if (result.Status == CampaignStatus.Failed)
            ctx.Error.WriteLine("error: " + result.Message);
    }

    public void FinalTable(FinalSummary summary) => Cli.FinalTable.Write(ctx.Out, summary);

    public string WriteReport(string campaign)
    {
        var folder = Commands.ReportCommand.DefaultFolder(campaign);
        Commands.ReportCommand.Write(ctx, store, campaign, folder);
        return folder;
    }
}
