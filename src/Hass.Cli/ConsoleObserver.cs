using Hass.Abstractions;
using Hass.Engine.Running;
using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>
/// Campaign progress on the console: a live progress bar (trial n of N, best feasible, ETA) on a terminal,
/// plain lines (one per trial) when the output is redirected. The runner's messages and warnings go through
/// <paramref name="logger"/>.
/// </summary>
internal sealed class ConsoleObserver(CliContext context, ILogger logger) : ICampaignObserver
{
    private readonly object _gate = new();
    public ProgressTask? Task { get; set; }

    public void Info(string message)
    {
        lock (_gate) logger.LogInformation("{Message}", message);
    }

    public void Warning(string message)
    {
        lock (_gate) logger.LogWarning("{Message}", message);
    }

    public void TrialStarted(int number, ParameterSet parameters, CampaignProgress progress)
    {
        if (Task is null) return;
        lock (_gate) Task.Description = Escape($"trial {number}{Of(number, progress)} · best {progress.BestLabel}");
    }

    public void TrialFinished(TrialRecord trial, CampaignProgress progress)
    {
        var line = $"trial {trial.Number}{Of(trial.Number, progress)} {trial.State.ToString().ToLowerInvariant()}: " + Outcome(trial)
                   + $" | best {progress.BestLabel}" + (progress.Eta is { } eta ? $" | ETA {Fmt(eta)}" : "");
        lock (_gate)
        {
            if (Task is not null)
            {
                if (progress.Budget is { } b) { Task.MaxValue = b; Task.Value = progress.Done; }
                Task.Description = Escape($"{progress.Done}{(progress.Budget is { } n ? "/" + n : "")} trials · best {progress.BestLabel}");
            }
            else context.Out.WriteLine(line);
        }
    }

    /// <summary>
    /// "/budget" after the trial number; past the budget (a resumed campaign asks the slots of its abandoned trials
    /// again under new numbers) the trials done of the budget instead, so the line never reads "trial 21/20".
    /// </summary>
    internal static string Of(int number, CampaignProgress p) => p.Budget is not { } b ? "" : number <= b ? $"/{b}" : $" ({p.Done}/{b} done)";

    private static string Outcome(TrialRecord t) => t.State switch
    {
        TrialState.Complete => $"top-1 {t.Accuracy:F2}% ({(t.Feasible ? "feasible" : $"drop over by {t.ConstraintViolation:F2}")}), " +
                               $"{Engine.Running.Objective.Throughput(t):F1} img/s{(t.EvaluationCacheHit ? " [eval cached]" : "")}{(t.DesignCacheHit ? " [design cached]" : "")}",
        TrialState.Pruned => $"top-1 {t.Accuracy:F2}% stopped early",
        _ => t.Error ?? "",
    };

    internal static string Fmt(TimeSpan t) => t.TotalHours >= 1 ? t.ToString(@"h\:mm\:ss") : t.ToString(@"m\:ss");
    private static string Escape(string s) => Markup.Escape(s);
}
