using System.CommandLine;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace Hass.Cli.Commands;

/// <summary>`hass design`: fold one network onto a board with a backend (DSE, or a given folding) and show it per layer.</summary>
public sealed class DesignCommand : ICliCommand
{
    public int Order => 50;
    private static readonly Option<string?> Graph = new("--graph") { Description = "NetworkGraph JSON file" };
    private static readonly Option<string?> Model = new("--model") { Description = "Model name (graph taken from the evaluator that supports it)" };
    private static readonly Option<string?> Profile = new("--profile") { Description = "SparsityProfile JSON file (default: dense)" };
    private static readonly Option<string> Board = new("--board") { Description = "Board name", Required = true };
    private static readonly Option<string?> Backend = new("--backend") { Description = "Backend name (default: the first loaded sparse backend; dataflow-sparse with the shipped plugins)" };
    private static readonly Option<string?> Folding = new("--folding") { Description = "Folding JSON file ({\"layer\": {\"coarseIn\":..}}); evaluates it instead of running the DSE" };
    private static readonly Option<bool> Json = new("--json") { Description = "Print the HardwareDesign as JSON" };

    public Command Build(CommandRunner run)
    {
        var cmd = new Command("design", "Design an accelerator for one network on one board and print it per layer");
        foreach (var o in new Option[] { Graph, Model, Profile, Board, Backend, Folding, Json }.Concat(DesignOptionArguments.All)) cmd.Options.Add(o);
        cmd.SetAction(run((ctx, ct) =>
        {
            var components = ctx.Services.GetRequiredService<HassComponents>();
            var boards = ctx.Services.GetRequiredService<BoardLibrary>();
            var boardName = ctx.Parse.GetValue(Board)!;
            if (!boards.TryGet(boardName, out var board))
                throw new UsageException($"--board: unknown board '{boardName}'; available: {string.Join(", ", boards.Names.DefaultIfEmpty("(none)"))}");
            var backendName = ctx.Parse.GetValue(Backend) ?? components.DefaultBackend()
                ?? throw new UsageException("--backend: no backend is loaded; check the plugin folders (hass plugins)");
            if (!components.Names(ComponentKind.Backend).Contains(backendName))
                throw new UsageException($"--backend: unknown backend '{backendName}'; available: {string.Join(", ", components.Names(ComponentKind.Backend).DefaultIfEmpty("(none loaded)"))}");
            var backend = components.Backend(backendName);

            NetworkGraph graph;
            var graphPath = ctx.Parse.GetValue(Graph);
            var model = ctx.Parse.GetValue(Model);
            if ((graphPath is null) == (model is null)) throw new UsageException("give exactly one of --graph graph.json or --model NAME");
            if (graphPath is not null) graph = ReadJson<NetworkGraph>(graphPath, "--graph");
            else
            {
                var factory = components.FindEvaluatorFactory(model!)
                    ?? throw new UsageException($"--model: unknown model '{model}'; available: {string.Join(", ", components.Names(ComponentKind.Model).DefaultIfEmpty("(none loaded)"))}");
                graph = factory.DescribeGraph(model!) ?? GraphFromEvaluator(factory, model!, components);
            }
            var profile = ctx.Parse.GetValue(Profile) is { } pp ? ReadJson<SparsityProfile>(pp, "--profile") : SparsityProfile.Dense(graph.Name);
            var folding = ctx.Parse.GetValue(Folding) is { } fp ? ReadJson<Dictionary<string, LayerFolding>>(fp, "--folding") : null;
            var design = Fold(backend, graph, profile, board, folding, DesignOptionArguments.Read(ctx.Parse), ct);

            if (ctx.Parse.GetValue(Json))
            {
                ctx.Out.Profile.Out.Writer.WriteLine(HassJson.Serialize(design, indented: true));
                return Task.FromResult(ExitCodes.Success);
            }
            var table = new Table().AddColumns("layer", "kind", "partition", "folding", "cycles", "sparse", "DSP", "BRAM18", "LUT");
            foreach (var l in design.Layers)
                table.AddRow(Markup.Escape(l.Layer), l.Kind.ToString(), $"{l.Partition}", Markup.Escape(l.Folding.ToString()), $"{l.Cycles:F0}",
                    l.Sparse ? "yes" : "no", $"{l.Resources.Dsp:F0}", $"{l.Resources.Bram18:F0}", $"{l.Resources.Lut:F0}");
            ctx.Out.Write(table);
            var p = design.Performance;
            ctx.Out.WriteLine($"{design.Backend}@{design.BackendVersion} on {design.Board}: {p.ThroughputImagesPerSecond:F1} img/s, latency {p.LatencySeconds * 1e3:F3} ms, " +
                              $"bottleneck {p.BottleneckLayer}, {p.GopPerSecond:F2} GOP/s, {p.GopPerSecondPerDsp:F4} GOP/s/DSP; DSP {design.Resources.Dsp:F0}/{board.Dsp}, " +
                              $"BRAM18 {design.Resources.Bram18:F0}/{board.Bram18}, LUT {design.Resources.Lut:F0}/{board.Lut}");
            foreach (var note in design.Notes) ctx.Out.WriteLine("note: " + note);
            return Task.FromResult(ExitCodes.Success);
        }));
        return cmd;
    }

    /// <summary>Design input files (graph, profile, folding) are at most this big.</summary>
    private const int MaxFileBytes = 64 << 20;

    /// <summary>The backend's DSE, or the given folding; a folding, profile or graph the backend refuses is bad input.</summary>
    private static HardwareDesign Fold(IAcceleratorBackend backend, NetworkGraph graph, SparsityProfile profile, BoardSpec board,
        Dictionary<string, LayerFolding>? folding, DesignOptions options, CancellationToken ct)
    {
        try
        {
            return folding is null ? backend.Optimize(graph, profile, board, options, ct) : backend.Evaluate(graph, profile, board, folding, options);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{backend.Name} cannot design '{graph.Name}' on '{board.Name}': {e.Message}");
        }
    }

    private static NetworkGraph GraphFromEvaluator(ITrialEvaluatorFactory factory, string model, HassComponents components)
    {
        var pruning = components.Names(ComponentKind.Pruning).FirstOrDefault()
            ?? throw new UsageException($"--model: '{model}' needs a pruning criterion to build its evaluator, and none is loaded; see 'hass plugins'");
        using var evaluator = factory.Create(new EvaluatorSpec { Model = model, Pruning = pruning });
        return evaluator.Graph;
    }

    private static T ReadJson<T>(string path, string option) where T : class
    {
        if (!File.Exists(path)) throw new UsageException($"{option}: file '{path}' not found");
        try { return Engine.Files.StrictJson.ReadRecord<T>(path, MaxFileBytes); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{option}: '{path}' is not a valid {(typeof(T).IsGenericType ? "folding" : typeof(T).Name)}: {e.Message}");
        }
    }
}
