using System.CommandLine;
using Hass.Abstractions;
using Hass.Engine.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>
/// `hass backend check NAME [--model M | --graph F] [--board B]`: what the engine relies on from an accelerator backend
/// (<see cref="BackendConformance"/>), one PASS/FAIL line per check; exit 1 when any fails.
/// </summary>
public sealed class BackendCommand : ICliCommand
{
    public int Order => 51;
    private const string DefaultModel = "fmnist-vgg";
    private static readonly Argument<string> Name = new("backend") { Description = "Backend name (see 'hass plugins')" };
    private static readonly Option<string?> Model = new("--model") { Description = $"Model whose network is designed (default {DefaultModel})" };
    private static readonly Option<string?> Graph = new Option<string?>("--graph") { Description = "NetworkGraph JSON file, instead of a model" }.ForPaths();
    private static readonly Option<string> Board = new("--board") { Description = "Board name", DefaultValueFactory = _ => "zedboard" };

    public Command Build(CommandRunner run)
    {
        var check = new Command("check", "Check a backend against what the engine relies on: one PASS/FAIL line per check, exit 1 if any fails") { Name };
        foreach (var o in new Option[] { Model, Graph, Board }) check.Options.Add(o);
        check.SetAction(run(Interruptible.Action("hass backend check stopped; it changes nothing", async (ctx, ct) =>
        {
            var components = ctx.Services.GetRequiredService<HassComponents>();
            var backend = (CheckedBackend)DesignInputs.Backend(components, ctx.Parse.GetValue(Name)!, "backend");
            var graphPath = ctx.Parse.GetValue(Graph);
            var model = ctx.Parse.GetValue(Model);
            if (graphPath is not null && model is not null) throw new UsageException("give at most one of --graph graph.json or --model NAME");
            var graph = graphPath is not null ? DesignInputs.ReadJson<NetworkGraph>(graphPath, "--graph") : DesignInputs.GraphOfModel(components, model ?? DefaultModel);
            var board = DesignInputs.Board(ctx, ctx.Parse.GetValue(Board)!);
            ctx.Out.Profile.Out.Writer.WriteLine($"{backend.Who} with '{graph.Name}' on '{board.Name}':");
            var results = await Interruptible.Abandonable(() => BackendConformance.Run(backend, graph, board, ct), ct);
            foreach (var r in results) ctx.Out.Profile.Out.Writer.WriteLine($"{(r.Passed ? "PASS" : "FAIL")} {r.Name}: {r.Detail}");
            var passed = results.Count(r => r.Passed);
            ctx.Out.Profile.Out.Writer.WriteLine($"{passed} of {results.Count} checks passed" + (results.Count < BackendConformance.Checks ? $"; {BackendConformance.Checks - results.Count} not run (they need a design)" : ""));
            return passed == results.Count ? ExitCodes.Success : ExitCodes.Failure;
        })));
        var cmd = new Command("backend", "Check an accelerator backend of a plugin (for its authors)");
        cmd.Subcommands.Add(check);
        return cmd;
    }
}
