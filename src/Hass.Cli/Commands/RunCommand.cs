using System.CommandLine;
using System.Net;
using Hass.Engine.Campaigns;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Storage;
using Hass.Engine.Boards;
using Hass.Dashboard;
using Hass.Distributed;
using Hass.Engine.Running.Pipeline;
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

    internal static readonly Argument<string?> CampaignArg = new("campaign") { Description = $"Campaign JSON file (default: {DefaultCampaign} next to hass)", Arity = ArgumentArity.ZeroOrOne };
    // Ranges are the campaign file's (CampaignLimits), checked on the campaign after the overrides are applied.
    private static readonly Option<int?> Trials = NumberOptions.Int("--trials", "Override budget.trials", _ => null);
    private static readonly Option<string?> WallTime = new("--wall-time") { Description = "Override budget.wallTime (seconds, hh:mm:ss, 15m)" };
    internal static readonly Option<string?> Board = new("--board") { Description = "Override board" };
    internal static readonly Option<string?> Strategy = new("--strategy") { Description = "Override strategy.name (its settings are dropped)" };
    internal static readonly Option<string?> Backend = new("--backend") { Description = "Override backend.name" };
    internal static readonly Option<int?> Seed = NumberOptions.Int("--seed", "Override seed", _ => null);
    internal static readonly Option<string?> Name = new("--name") { Description = "Override the campaign name (e.g. to start a fresh campaign from the same file)" };
    private static readonly Option<bool> NoWarmStart = new("--no-warm-start") { Description = "Do not warm-start from earlier campaigns" };
    private static readonly Option<Hass.Abstractions.PreprocessSpec?> Preprocess = PreprocessOption.Create("Override dataset.preprocess, the network's input preprocessing");
    private static readonly Option<int?> Parallelism = NumberOptions.Int("--parallelism", "Override parallelism: trials in flight at once, each on its own evaluator (1 to 64)", _ => null);

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("run", "Run a campaign, or resume it if the store already has it");
        cmd.Arguments.Add(CampaignArg);
        foreach (var o in new Option[] { Trials, WallTime, Board, Strategy, Backend, Seed, Name, NoWarmStart, Parallelism, Preprocess, DashboardHosting.RunOption, DashboardHosting.RunAllowRemote }
                     .Concat(ClusterArguments.OwnerOptions))
            cmd.Options.Add(o);
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
            WarmStart = ctx.Parse.GetValue(NoWarmStart) ? false : null, Parallelism = ctx.Parse.GetValue(Parallelism), Preprocess = ctx.Parse.GetValue(Preprocess),
        };
        var loaded = CampaignLoader.Load(path, overrides);
        var cluster = ClusterArguments.Settings(ctx, loaded);
        if (cluster is not null) await ClusterPreflight.CheckAsync(cluster, owner: true);
        var dashboard = DashboardHosting.RunAddress(ctx.Parse);
        var host = ctx.BuildHost(s => AddPlan(s, ctx, loaded, path, cluster, dashboard));
        var spec = host.Services.GetRequiredService<IOptions<CampaignSpec>>().Value;   // validated against the loaded components and boards
        // Checked before the host starts: it creates the store before the dashboard listens.
        if (dashboard is not null) DashboardHosting.EnsureCanListen(dashboard);
        await DatasetSetup.EnsureFashionMnistAsync(spec, ctx, ct);
        if (cluster is null) ShareTorchThreads(spec.Parallelism);
        else
        {
            ctx.Out.WriteLine($"cluster {cluster.ClusterId} ({cluster.Address}): trials run on workers; start them with:");
            ctx.Out.Profile.Out.Writer.WriteLine("  " + WorkerCommandHint.For(ctx, path, cluster));   // unwrapped, to be copied as it is
        }
        var result = await RunHostedAsync(ctx, host, cluster);
        if (result.Result.Status == CampaignStatus.Complete && result.MeasurementFailures > 0)
        {
            ctx.Error.WriteLine($"error: {result.MeasurementFailures} measurement(s) the measure section asked for failed on {spec.Measure?.Link} " +
                                $"(last: {result.MeasurementError}); the search results are stored with predicted throughputs. " +
                                "Check the board or emulator (hass board probe LINK), then measure with 'hass board measure'");
            return ExitCodes.BoardError;
        }
        return ExitCode(result.Result);
    }

    /// <summary>
    /// The campaign's services in this invocation's one host: the store (opened when the host starts, after the
    /// campaign was validated and the dataset found), the plan run as a hosted service, and the live dashboard
    /// when --dashboard was given (registered first, so it listens before the first trial starts).
    /// </summary>
    private static void AddPlan(IServiceCollection services, CliContext ctx, CampaignSpec campaign, string path, ClusterSettings? cluster, IPEndPoint? dashboard)
    {
        services.AddCampaign(campaign, path);
        if (cluster is not null) services.AddHassOwnerCluster(cluster);
        // A store this run creates is removed again if the run fails before storing anything (e.g. the dashboard's
        // port was taken between the check and the listen).
        services.AddSingleton(sp => sp.GetRequiredService<StoreLocation>().Open(StoreAccess.Create).RemoveIfClosedUnused());
        services.AddSingleton(sp => new ConsolePlanOutput(ctx, sp.GetRequiredService<HassStore>()));
        services.AddSingleton(sp => new CampaignPlan(sp.GetRequiredService<IOptions<CampaignSpec>>().Value, path, sp.GetRequiredService<HassStore>(),
            sp.GetRequiredService<HassComponents>(), sp.GetRequiredService<BoardLibrary>(), sp.GetService<IDesignMeasurer>(),
            sp.GetRequiredService<ConsolePlanOutput>(), sp.GetService<IRemoteTrialStages>(), () => sp.GetService<ClusterFault>()?.Error?.Message));
        if (dashboard is not null)
            services.AddHassDashboard(sp => DashboardHosting.For(ctx, sp.GetRequiredService<HassStore>(), sp.GetRequiredService<BoardLibrary>(),
                dashboard, ctx.Parse.GetValue(DashboardHosting.RunAllowRemote), live: true));
        services.AddSingleton<CampaignOutcomeHolder>();
        services.AddHostedService<CampaignHostedService>();
    }

    /// <summary>
    /// libtorch's intra-op threads are one process-wide pool: with N evaluators at once, each op gets at most
    /// cores/N threads so the trials in flight do not oversubscribe the cores (HASS_TORCH_THREADS still caps it).
    /// </summary>
    private static void ShareTorchThreads(int parallelism)
    {
        if (parallelism <= 1) return;
        Torch.TorchRuntime.Configure(Math.Min(Torch.TorchRuntime.DefaultThreads, Math.Max(1, Environment.ProcessorCount / parallelism)));
    }

    private static int ExitCode(CampaignResult result) => result.Status switch
    {
        CampaignStatus.Complete => ExitCodes.Success,
        CampaignStatus.Interrupted => ExitCodes.Interrupted,
        _ => ExitCodes.Failure,
    };

    /// <summary>Runs the plan in the invocation's host, whose console lifetime turns Ctrl-C and SIGTERM into cancellation.</summary>
    private static async Task<PlanResult> RunHostedAsync(CliContext ctx, IHost host, ClusterSettings? cluster)
    {
        var holder = host.Services.GetRequiredService<CampaignOutcomeHolder>();
        var clusterFault = cluster is null ? null : host.Services.GetRequiredService<ClusterFault>();
        try
        {
            if (ctx.Interactive)
            {
                var output = host.Services.GetRequiredService<ConsolePlanOutput>();
                await ctx.Out.Progress().AutoClear(false)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async progress =>
                    {
                        output.Progress = progress;
                        await host.RunAsync(CancellationToken.None);
                        output.StopProgress();
                    });
            }
            else
            {
                await host.RunAsync(CancellationToken.None);
            }
        }
        catch (DashboardAddressException e)
        {
            throw new UsageException(e.Message);
        }
        catch (Exception e) when (cluster is not null && (clusterFault?.Error ?? ClusterErrors.Explain(e, cluster)) is { } explained)
        {
            throw explained;
        }

        // The cluster's Redis failed during the run: the campaign stopped as on an interrupt, and that failure is the error.
        if (clusterFault?.Error is { } failed) throw failed;
        if (holder.Error is not null) throw holder.Error;
        return holder.Result ?? throw new InvalidOperationException("the campaign ended without a result");
    }
}
