using System.CommandLine;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Engine.Boards;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass run [campaign.json]`: runs (or resumes) a campaign in the generic host.</summary>
public sealed class RunCommand : ICliCommand
{
    public int Order => 10;
    public const string DefaultCampaign = "examples/fmnist-hass.json";
    /// <summary>Where the default campaign is looked for (next to the executable; tests point it elsewhere).</summary>
    internal static string DefaultCampaignRoot { get; set; } = AppContext.BaseDirectory;

    private static readonly Argument<string?> CampaignArg = new("campaign") { Description = $"Campaign JSON file (default: {DefaultCampaign} next to hass)", Arity = ArgumentArity.ZeroOrOne };
    // Ranges are the campaign file's (CampaignLimits), checked on the campaign after the overrides are applied.
    private static readonly Option<int?> Trials = NumberOptions.Int("--trials", "Override budget.trials", _ => null);
    private static readonly Option<string?> WallTime = new("--wall-time") { Description = "Override budget.wallTime (seconds, hh:mm:ss, 15m)" };
    private static readonly Option<string?> Board = new("--board") { Description = "Override board" };
    private static readonly Option<string?> Strategy = new("--strategy") { Description = "Override strategy.name (its settings are dropped)" };
    private static readonly Option<string?> Backend = new("--backend") { Description = "Override backend.name" };
    private static readonly Option<int?> Seed = NumberOptions.Int("--seed", "Override seed", _ => null);
    private static readonly Option<string?> Name = new("--name") { Description = "Override the campaign name (e.g. to start a fresh campaign from the same file)" };
    private static readonly Option<bool> NoWarmStart = new("--no-warm-start") { Description = "Do not warm-start from earlier campaigns" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("run", "Run a campaign, or resume it if the store already has it");
        cmd.Arguments.Add(CampaignArg);
        foreach (var o in new Option[] { Trials, WallTime, Board, Strategy, Backend, Seed, Name, NoWarmStart, DashboardHosting.RunOption, DashboardHosting.RunAllowRemote }) cmd.Options.Add(o);
        cmd.SetAction(run(ExecuteAsync));
        return cmd;
    }

    private static async Task<int> ExecuteAsync(CliContext ctx, CancellationToken ct)
    {
        var path = ctx.Parse.GetValue(CampaignArg);
        if (path is null)
        {
            path = Path.Combine(DefaultCampaignRoot, DefaultCampaign);
            if (!File.Exists(path))
                throw new UsageException($"the default campaign {DefaultCampaign} is not shipped next to hass ({path}); give a campaign file: hass run path/to/campaign.json");
        }
        TimeSpan? wall = null;
        if (ctx.Parse.GetValue(WallTime) is { } w)
            wall = Hass.Abstractions.Configuration.DurationConverter.Parse(w)
                ?? throw new UsageException($"--wall-time: '{w}' is not a duration of at most {CampaignLimits.MaxWallTime.TotalDays:F0} days (seconds, hh:mm:ss or like 15m)");
        var overrides = new CampaignOverrides
        {
            Name = ctx.Parse.GetValue(Name), Trials = ctx.Parse.GetValue(Trials), WallTime = wall, Board = ctx.Parse.GetValue(Board),
            Strategy = ctx.Parse.GetValue(Strategy), Backend = ctx.Parse.GetValue(Backend), Seed = ctx.Parse.GetValue(Seed),
            WarmStart = ctx.Parse.GetValue(NoWarmStart) ? false : null,
        };
        var services = ctx.BuildHost(s => s.AddCampaign(CampaignLoader.Load(path, overrides), path)).Services;
        var spec = services.GetRequiredService<IOptions<CampaignSpec>>().Value;   // validated against the loaded components and boards
        var components = services.GetRequiredService<HassComponents>();
        var boards = services.GetRequiredService<BoardLibrary>();
        var measurer = services.GetService<IDesignMeasurer>();

        await DatasetSetup.EnsureFashionMnistAsync(spec, ctx, ct);
        var measurementFailures = new List<CampaignResult>();
        using var store = services.GetRequiredService<StoreLocation>().Open(StoreAccess.Create);
        await using var dashboard = await DashboardHosting.StartForRunAsync(ctx, store, ct);
        if (spec.Final.Enabled && spec.Final.UniformBaselineTrials > 0)
        {
            var baseline = FinalPhase.UniformBaseline(spec, components);
            ctx.Out.WriteLine($"baseline '{baseline.Name}': uniform thresholds chosen for accuracy only ({spec.Final.UniformBaselineTrials} trials), then DSE");
            var baselineResult = await RunOneAsync(ctx, baseline, path, store, components, boards, measurer);
            Summarise(ctx, baselineResult);
            if (baselineResult.Status != CampaignStatus.Complete) return ExitCode(baselineResult);
            measurementFailures.Add(baselineResult);
        }
        var result = await RunOneAsync(ctx, spec, path, store, components, boards, measurer);
        Summarise(ctx, result);
        if (result.Status == CampaignStatus.Complete && spec.Final.Enabled)
        {
            var summary = FinalPhase.Build(spec, store, components, boards, m => ctx.Out.WriteLine(m), ct);
            FinalTable.Write(ctx.Out, summary);
            var folder = ReportCommand.DefaultFolder(spec.Name);
            ReportCommand.Write(ctx, store, spec.Name, folder);
            ctx.Out.WriteLine($"report written to {folder}");
        }
        measurementFailures.Add(result);
        return result.Status == CampaignStatus.Complete && MeasurementFailed(ctx, spec, measurementFailures) ? ExitCodes.BoardError : ExitCode(result);
    }

    /// <summary>
    /// A campaign asked to measure that could not says so (exit 6) after the search, whose results stay stored
    /// with their predicted throughputs.
    /// </summary>
    private static bool MeasurementFailed(CliContext ctx, CampaignSpec spec, IReadOnlyList<CampaignResult> results)
    {
        var failed = results.Where(r => r.MeasurementFailures > 0).ToList();
        if (failed.Count == 0) return false;
        ctx.Error.WriteLine($"error: {failed.Sum(r => r.MeasurementFailures)} measurement(s) the measure section asked for failed on {spec.Measure?.Link} " +
                            $"(last: {failed[^1].MeasurementError}); the search results are stored with predicted throughputs. " +
                            "Check the board or emulator (hass board probe LINK), then measure with 'hass board measure'");
        return true;
    }

    private static int ExitCode(CampaignResult result) => result.Status switch
    {
        CampaignStatus.Complete => ExitCodes.Success,
        CampaignStatus.Interrupted => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
    };

    private static async Task<CampaignResult> RunOneAsync(CliContext ctx, CampaignSpec spec, string path, HassStore store, HassComponents components,
        Engine.Boards.BoardLibrary boards, IDesignMeasurer? measurer)
    {
        ctx.Out.WriteLine($"campaign '{spec.Name}': model {spec.Model}, pruning {spec.Pruning.Name}, backend {spec.Backend.Name}, board {spec.Board}, " +
                          $"strategy {spec.Strategy.Name}, objective {CampaignLoader.MetricName(spec.Objective.Metric)} (tolerance {spec.Objective.ToleranceTop1} points), store {store.Path}");
        var observer = new ConsoleObserver(ctx, ctx.Services.GetRequiredService<ILogger<CampaignRunner>>());
        var runner = new CampaignRunner(spec, path, store, components, boards, observer, measurer);
        var holder = new CampaignOutcomeHolder();

        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, ContentRootPath = Directory.GetCurrentDirectory() });
        builder.Logging.ClearProviders();
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddSingleton(runner);
        builder.Services.AddSingleton(holder);
        builder.Services.AddHostedService<CampaignHostedService>();
        using var host = builder.Build();

        if (ctx.Interactive)
        {
            await ctx.Out.Progress().AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    observer.Task = progress.AddTask(Markup.Escape($"campaign {spec.Name}"), maxValue: spec.Budget.Trials ?? 1);
                    await host.RunAsync(CancellationToken.None);
                    observer.Task.StopTask();
                });
        }
        else
        {
            await host.RunAsync(CancellationToken.None);
        }

        if (holder.Error is not null) throw holder.Error;
        return holder.Result ?? throw new InvalidOperationException("the campaign ended without a result");
    }

    private static void Summarise(CliContext ctx, CampaignResult result)
    {
        ctx.Out.WriteLine($"campaign '{result.Campaign}' {result.Status.ToString().ToLowerInvariant()}: {result.Message}; {result.TrialsRun} trials run now, {result.TrialsTotal} in the store");
        if (result.Best is { } best)
            ctx.Out.WriteLine($"best feasible: trial {best.Number}: {Engine.Running.Objective.Throughput(best):F1} img/s ({best.ThroughputFidelity.ToString().ToLowerInvariant()}), top-1 {best.Accuracy:F2}%, " +
                              $"weight sparsity {best.WeightSparsity:P1}, activation sparsity {best.ActivationSparsity:P1}");
        else ctx.Out.WriteLine("no feasible trial yet");
        if (result.Status == CampaignStatus.Interrupted)
            ctx.Error.WriteLine($"interrupted: completed trials are in the store; run the same command again to resume");
        if (result.Status == CampaignStatus.Failed)
            ctx.Error.WriteLine("error: " + result.Message);
    }
}
