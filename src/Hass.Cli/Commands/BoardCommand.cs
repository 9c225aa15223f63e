using System.CommandLine;
using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Conformance;
using Hass.Board.Links;
using Hass.BoardEmulator;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Hass.Engine.Boards;
using Hass.Engine.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>`hass board probe|measure|emulate|selftest`: hardware in the loop from the command line.</summary>
public sealed class BoardCommand : ICliCommand
{
    public int Order => 80;

    private static readonly Argument<string> ProbeLink = new("link") { Description = "serial:/dev/ttyUSB0@921600 or tcp:host:port" };
    private static readonly Argument<string> CampaignName = new("campaign") { Description = "Campaign name in the store" };
    private static readonly Option<int> TrialNumber = new("--trial") { Description = "Trial number whose design is measured", Required = true };
    private static readonly Option<string> Link = new("--link") { Description = "serial:/dev/ttyUSB0@921600 or tcp:host:port", Required = true };
    private static readonly Option<int> Repeats = NumberOptions.Int("--repeats", "Measured runs (median taken)", 1, 1000, MeasureOptions.DefaultRepeats);
    private static readonly Option<int?> Images = NumberOptions.Int("--images", "Timed images per run (default: the design's batch size, the batch its prediction describes)", 1, 1_000_000);
    private static readonly Option<int> Warmup = NumberOptions.Int("--warmup", "Warm-up images per run before timing starts (default 0: from an empty pipeline, as the prediction's batch; with warm-up the run times the steady state)", 0, 1_000_000, MeasureOptions.DefaultWarmupImages);
    private static readonly Option<int> Rotations = NumberOptions.Int("--rotations", "Runs that start at different images (default 1): of N rotations, rotation j streams the uploaded images from image ⌊j·(W + I)/N⌋ on (W warm-up and I timed images), --repeats runs each; the measurement averages their times, so the batch's fill is averaged over first images as the prediction's is. At most the uploaded images (--images + --warmup)", 1, 100_000, 1);
    private static readonly Option<bool> Latency = new("--latency") { Description = "Also measure batch-1 latency: each timed image alone through the empty pipeline (one extra run per image); reports the mean" };
    private static readonly Argument<string[]> EmulatorArgs = new("emulator-options") { Description = "Options of hass-board-emulator (--tcp 127.0.0.1:7000, --serial DEV, --board FILE, faults…)", Arity = ArgumentArity.ZeroOrMore };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("board", "Probe, measure on, or emulate a board (boards/PROTOCOL.md)");

        var probe = new Command("probe", "Ask the board on LINK who it is (name, part, firmware, clock, resources)");
        probe.Arguments.Add(ProbeLink);
        probe.SetAction(run(Interruptible.Action("board probe stopped; a probe changes nothing on the board", async (ctx, ct) =>
        {
            var info = await BoardCommands.ProbeAsync(ctx.Parse.GetValue(ProbeLink)!, ctx.Services.GetRequiredService<BoardLinks>(), cancellationToken: ct);
            ctx.Out.Profile.Out.Writer.WriteLine(BoardCommands.Describe(info));
            return ExitCodes.Success;
        })));
        cmd.Subcommands.Add(probe);

        var measure = new Command("measure", "Deploy a stored trial's design on LINK, measure it, and store the measurement");
        measure.Arguments.Add(CampaignName);
        foreach (var o in new Option[] { TrialNumber, Link, Repeats, Images, Warmup, Rotations, Latency }) measure.Options.Add(o);
        measure.SetAction(run(Interruptible.Action("board measure stopped; no measurement was stored", MeasureAsync)));
        cmd.Subcommands.Add(measure);

        var emulate = new Command("emulate", "Run the board emulator in this process (same options as hass-board-emulator)");
        emulate.Arguments.Add(EmulatorArgs);
        emulate.TreatUnmatchedTokensAsErrors = false;
        emulate.SetAction(run(async (ctx, ct) =>
        {
            var args = (ctx.Parse.GetValue(EmulatorArgs) ?? []).Concat(ctx.Parse.UnmatchedTokens).ToList();
            EmulatorOptions options;
            try
            {
                options = EmulatorOptions.Parse(args);
                // Checked here so a bad address or board file is bad input (exit 2), not a failed start.
                if (options.Tcp is { } tcp) EmulatorOptions.ParseEndpoint(tcp);
                options.LoadBoard();
            }
            catch (ArgumentException e) { throw new UsageException("board emulate: " + e.Message); }
            try { return await EmulatorHost.RunAsync(options, ctx.Out.Profile.Out.Writer, ctx.Error, ct); }
            catch (EmulatorSetupException e) { throw new UsageException("board emulate: " + e.Message); }
        }));
        cmd.Subcommands.Add(emulate);
        cmd.Subcommands.Add(BuildSelftest(run));
        return cmd;
    }

    private static readonly Argument<string> SelftestLink = new("link") { Description = "serial:/dev/ttyUSB0@921600 or tcp:host:port" };
    private static readonly Option<double> SelftestReplyTimeout = new("--reply-timeout")
    {
        Description = "seconds to wait for each reply before a check fails (slow firmware or a loaded host)", DefaultValueFactory = _ => 2.0,
    };

    private static Command BuildSelftest(CommandRunner run)
    {
        var selftest = new Command("selftest", "Run the protocol conformance kit against the board on LINK: one PASS/FAIL line per check, exit 1 if any fails");
        selftest.Arguments.Add(SelftestLink);
        selftest.Options.Add(SelftestReplyTimeout);
        selftest.SetAction(run(Interruptible.Action("board selftest stopped before it ran a check", async (ctx, ct) =>
        {
            var link = ctx.Parse.GetValue(SelftestLink)!;
            var links = ctx.Services.GetRequiredService<BoardLinks>();
            links.Canonical(link);   // a bad link string is bad input before anything is opened
            var seconds = ctx.Parse.GetValue(SelftestReplyTimeout);
            if (!(seconds > 0 && seconds <= 3600)) throw new UsageException($"board selftest: --reply-timeout must be more than 0 and at most 3600 seconds (got {seconds})");
            ConformanceReport report;
            try { report = await ConformanceSuite.RunAsync(link, links, TimeSpan.FromSeconds(seconds), ct); }
            catch (ConformanceInterruptedException e)
            {
                // The checks that ran are real results (a firmware author stopping a slow or hanging kit wants them).
                ctx.Out.Profile.Out.Writer.Write(e.Report.Table());
                throw new CommandInterruptedException($"interrupted: board selftest stopped during the check '{e.Check.Group} {e.Check.Name}'; " +
                    $"the {e.Report.Results.Count} checks above ran, {e.Report.NotRun} did not: the verdict is incomplete");
            }
            ctx.Out.Profile.Out.Writer.Write(report.Table());
            if (report.AllPassed) return ExitCodes.Success;
            ctx.Error.WriteLine($"error: {report.Failures.Count()} of {report.Results.Count} conformance checks failed on {link}; the FAIL lines say what the board did (boards/PROTOCOL.md)");
            return ExitCodes.Failure;
        })));
        return selftest;
    }

    private static async Task<int> MeasureAsync(CliContext ctx, CancellationToken ct)
    {
        var name = ctx.Parse.GetValue(CampaignName)!;
        var number = ctx.Parse.GetValue(TrialNumber);
        var link = ctx.Parse.GetValue(Link)!;
        ctx.Services.GetRequiredService<BoardLinks>().Canonical(link);   // a bad link string is bad input before anything is opened
        using var store = ctx.OpenStore(StoreAccess.Write);
        var campaign = store.GetCampaign(name)
            ?? throw new UsageException($"campaign '{name}' is not in the store {store.Path}; see 'hass status'");
        var trial = store.Trials(name).FirstOrDefault(t => t.Number == number)
            ?? throw new UsageException($"campaign '{name}' has no trial {number}; see 'hass trials {name}'");
        var design = trial.Design
            ?? throw new UsageException($"trial {number} of '{name}' has no hardware design ({trial.State.ToString().ToLowerInvariant()}); pick a complete trial");

        var components = ctx.Services.GetRequiredService<HassComponents>();
        var boards = ctx.Services.GetRequiredService<BoardLibrary>();
        if (!boards.TryGet(campaign.Spec.Board, out var board))
            throw new UsageException($"board '{campaign.Spec.Board}' of campaign '{name}' is not in the board library; see 'hass boards'");
        var options = new MeasureOptions
        {
            ExpectedBoard = board, Repeats = ctx.Parse.GetValue(Repeats), Images = ctx.Parse.GetValue(Images) ?? MeasureOptions.BatchImagesOf(design),
            WarmupImages = ctx.Parse.GetValue(Warmup), Rotations = ctx.Parse.GetValue(Rotations),
            BatchOneLatency = ctx.Parse.GetValue(Latency),
        };
        if (options.Rotations > (long)options.Images + options.WarmupImages)
            throw new UsageException($"--rotations {options.Rotations} is more than the {(long)options.Images + options.WarmupImages} images a run uploads (--images + --warmup): each rotation starts at a different image; use at most that many");
        using var evaluator = StoredCampaignEvaluator.Create(components, campaign);

        options = options.WithImagesOf(evaluator);
        var measurement = await ctx.Services.GetRequiredService<IDesignMeasurer>().MeasureAsync(link, design, evaluator.Export(trial.Parameters), options, ct);
        store.SaveMeasurement(measurement);
        store.Checkpoint();
        ctx.Out.Profile.Out.Writer.Write(BoardCommands.Describe(measurement, design));
        return ExitCodes.Success;
    }
}
