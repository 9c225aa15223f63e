using System.CommandLine;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Plugins;
using Hass.Engine.Running;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass design`: fold one network onto a board with a backend (DSE, or a given folding) and show it per layer.</summary>
public sealed class DesignCommand : ICliCommand
{
    public int Order => 50;
    private static readonly Option<string?> Graph = new Option<string?>("--graph") { Description = "NetworkGraph JSON file" }.ForPaths();
    private static readonly Option<string?> Model = new("--model") { Description = "Model name (graph taken from the evaluator that supports it)" };
    private static readonly Option<string?> Profile = new Option<string?>("--profile") { Description = "SparsityProfile JSON file (default: dense)" }.ForPaths();
    private static readonly Option<string> Board = new("--board") { Description = "Board name", Required = true };
    private static readonly Option<string?> Backend = new("--backend") { Description = "Backend name (default: the first loaded sparse backend; dataflow-sparse with the shipped plugins)" };
    private static readonly Option<string?> Folding = new Option<string?>("--folding") { Description = "Folding JSON file ({\"layer\": {\"coarseIn\":..}}) or a design (hass design --json); evaluates it instead of running the DSE" }.ForPaths();
    private static readonly Option<bool> Json = new("--json") { Description = "Print the HardwareDesign as JSON" };

    private static readonly Option<string[]> Export = new("--export")
    {
        Description = "Also write the design for a hardware generator: --export fpgaconvnet DIR (DIR/<name>.fpgaconvnet.json, and with --model the network as DIR/<name>.onnx)",
        Arity = new ArgumentArity(2, 2), AllowMultipleArgumentsPerToken = true,
    };
    private static readonly Option<int?> CalibrationImages = NumberOptions.Int("--calibration-images",
        "With --model and --params: images the pruned network's profile is measured over (default 1000; a campaign's dataset.calibrationImages, 200 in the default campaign, to design a trial as it did)", 1, 10_000_000);
    private static readonly Option<string?> Params = new Option<string?>("--params") { Description = "With --model: pruning parameter file (JSON object: dimension name → value); the profile is then measured on the pruned network" }.ForPaths();
    private static readonly Option<bool> Force = new("--force") { Description = "With --export: overwrite export files that already exist" };
    private static readonly Option<PreprocessSpec?> Preprocess = PreprocessOption.Create("With --model: the network's input preprocessing when not the model's default");
    private static readonly Option<System.Text.Json.JsonElement?> PruningSettings = PruningSettingsOption.Create();

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("design", "Design an accelerator for one network on one board and print it per layer");
        foreach (var o in new Option[] { Graph, Model, Profile, Board, Backend, Folding, Json, Export, Params, CalibrationImages, Force, Preprocess, PruningSettings }.Concat(DesignOptionArguments.All)) cmd.Options.Add(o);
        cmd.SetAction(run(Interruptible.Action("hass design stopped; nothing was written", (ctx, ct) => Task.FromResult(Execute(ctx, ct)))));
        return cmd;
    }

    private static int Execute(CliContext ctx, CancellationToken ct)
    {
        var components = ctx.Services.GetRequiredService<HassComponents>();
        var board = BoardOf(ctx);
        var backend = BackendOf(ctx, components);
        var graphPath = ctx.Parse.GetValue(Graph);
        var model = ctx.Parse.GetValue(Model);
        if ((graphPath is null) == (model is null)) throw new UsageException("give exactly one of --graph graph.json or --model NAME");
        var parameters = ctx.Parse.GetValue(Params);
        var pruningSettings = ctx.Parse.GetValue(PruningSettings);
        var calibrationImages = ctx.Parse.GetValue(CalibrationImages);
        if (model is null && (parameters is not null || ctx.Parse.GetValue(Preprocess) is not null || pruningSettings is not null || calibrationImages is not null))
            throw new UsageException("--params, --preprocess, --pruning-settings and --calibration-images apply to a model's network: give --model NAME instead of --graph");
        if (model is not null) DesignNetwork.CheckPruningSettings(components, model, pruningSettings);
        var graph = graphPath is not null ? DesignInputs.ReadJson<NetworkGraph>(graphPath, "--graph") : DesignInputs.GraphOfModel(components, model!);
        var target = ExportTarget(ctx, model ?? graph.Name);
        target?.Check(ctx.Services, withNetwork: model is not null);
        var options = DesignOptionArguments.Read(ctx.Parse);
        using var network = model is not null && (target is not null || parameters is not null)
            ? Abandonable(() => DesignNetwork.Open(components, model, parameters, ctx.Parse.GetValue(Preprocess), options, pruningSettings, calibrationImages), ct) : null;
        var profilePath = ctx.Parse.GetValue(Profile);
        var profile = profilePath is not null ? DesignInputs.ReadJson<SparsityProfile>(profilePath, "--profile")
            : parameters is not null ? Abandonable(() => network!.Profile(), ct) : SparsityProfile.Dense(graph.Name);
        var folding = ctx.Parse.GetValue(Folding) is { } fp ? DesignInputs.Folding(fp, "--folding") : null;
        var designed = network?.Graph ?? graph;
        if (profilePath is not null) CheckProfileIsOf(designed, profile, profilePath);
        var design = Abandonable(() => Fold(backend, designed, profile, board, folding, options, ct), ct);

        bool json = ctx.Parse.GetValue(Json);
        if (json) ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(design, indented: true));
        else
        {
            Print(ctx, design, board);
            // The price of the next level re-runs the DSE; a given folding has no DSE to re-run.
            if (Abandonable(() => PickCapNote.Of(design, folding is null ? profile : null, backend, designed, board, options, ct), ct) is { } cap)
            {
                ctx.Out.WriteLine("sparsity cap: " + cap.Cap);
                if (cap.NextLevel is not null) ctx.Out.WriteLine("next folding level: " + cap.NextLevel);
            }
            foreach (var note in design.Notes) ctx.Out.WriteLine("note: " + note);
        }
        if (target is null) return ExitCodes.Success;
        var (onnx, config) = target.Write(ctx.Services, design, designed, profile, network?.Export(), fixedPoint16: true);
        var written = $"{target.Format} configuration {config}" + (onnx is null ? " (no network: --graph has no weights; use --model to write its ONNX too)" : $", network {onnx}");
        if (json) ctx.Error.WriteLine(written);
        else ctx.Out.WriteLine(written);
        return ExitCodes.Success;
    }

    /// <summary>The --export target, or null; the format is checked by <see cref="DesignExportTarget.Check"/>.</summary>
    private static DesignExportTarget? ExportTarget(CliContext ctx, string name) =>
        ctx.Parse.GetValue(Export) is [var format, var directory]
            ? new DesignExportTarget(format.ToLowerInvariant(), directory, DesignExportTarget.StemOf(name), ctx.Parse.GetValue(Force))
            : ctx.Parse.GetValue(Force) ? throw new UsageException("--force applies to --export: give --export fpgaconvnet DIR") : null;

    private static BoardSpec BoardOf(CliContext ctx) => DesignInputs.Board(ctx, ctx.Parse.GetValue(Board)!);

    private static IAcceleratorBackend BackendOf(CliContext ctx, HassComponents components)
    {
        var backendName = ctx.Parse.GetValue(Backend) ?? components.DefaultBackend()
            ?? throw new UsageException("--backend: no backend is loaded; check the plugin folders (hass plugins)");
        return DesignInputs.Backend(components, backendName, "--backend");
    }

    private static void Print(CliContext ctx, HardwareDesign design, BoardSpec board)
    {
        var table = new Table().AddColumns("layer", "kind", "partition", "folding", "cycles", "floor", "sparse", "DSP", "BRAM18", "LUT");
        foreach (var l in design.Layers)
            table.AddRow(Markup.Escape(l.Layer), l.Kind.ToString(), $"{l.Partition}", Markup.Escape(l.Folding.ToString()), $"{l.Cycles:F0}",
                l.FloorCycles is { } floor ? $"{floor:F0}" : "-", l.Sparse ? "yes" : "no", $"{l.Resources.Dsp:F0}", $"{l.Resources.Bram18:F0}", $"{l.Resources.Lut:F0}");
        ctx.Out.Write(table);
        var p = design.Performance;
        ctx.Out.WriteLine($"{design.Backend}@{design.BackendVersion} on {design.Board}: {p.ThroughputImagesPerSecond:F1} img/s, latency {p.LatencySeconds * 1e3:F3} ms, " +
                          $"bottleneck {p.BottleneckLayer}, {p.GopPerSecond:F2} GOP/s, {p.GopPerSecondPerDsp:F4} GOP/s/DSP; DSP {design.Resources.Dsp:F0}/{board.Dsp}, " +
                          $"BRAM18 {design.Resources.Bram18:F0}/{board.Bram18}, LUT {design.Resources.Lut:F0}/{board.Lut}");
    }

    /// <summary>Loading the network and the DSE, as <see cref="Interruptible.Abandonable"/>; the export after them is not abandonable: its files are written whole.</summary>
    private static T Abandonable<T>(Func<T> work, CancellationToken ct) => Interruptible.Abandonable(work, ct).GetAwaiter().GetResult();

    /// <summary>A profile of another network would leave every layer it does not name dense, without a word: its layers must be the graph's.</summary>
    private static void CheckProfileIsOf(NetworkGraph graph, SparsityProfile profile, string path)
    {
        var unknown = profile.Layers.Select(l => l.Layer).Where(name => graph.Layers.All(g => g.Name != name)).ToList();
        if (unknown.Count == 0) return;
        var listed = string.Join(", ", unknown.Take(3).Select(n => $"'{n}'")) + (unknown.Count > 3 ? $" and {unknown.Count - 3} more" : "");
        var of = profile.Model.Length > 0 && profile.Model != graph.Name ? $" (it is a profile of '{profile.Model}')" : "";
        throw new UsageException($"--profile: '{path}' describes layers that '{graph.Name}' does not have: {listed}{of}; give a profile of this network (hass profile MODEL --out FILE)");
    }

    /// <summary>The backend's DSE, or the given folding; a folding, profile or graph the backend refuses is bad input.</summary>
    private static HardwareDesign Fold(IAcceleratorBackend backend, NetworkGraph graph, SparsityProfile profile, BoardSpec board,
        IReadOnlyDictionary<string, LayerFolding>? folding, DesignOptions options, CancellationToken ct)
    {
        try
        {
            return folding is null ? backend.Optimize(graph, profile, board, options, ct) : backend.Evaluate(graph, profile, board, folding, options);
        }
        catch (PluginFaultException e) when (e.InnerException is ArgumentException refused)
        {
            throw new UsageException($"{backend.Name} cannot design '{graph.Name}' on '{board.Name}': {refused.Message}");
        }
    }
}
