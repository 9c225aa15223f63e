using System.CommandLine;
using Hass.Abstractions;
using Hass.Torch.Commands;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Cli.Commands;

/// <summary>The model side: `hass model train|eval|export`, `hass graph`, `hass profile` (TorchSharp, Hass.Torch).</summary>
public sealed class ModelCommand : ICliCommand
{
    public int Order => 40;

    private static readonly Argument<string> ModelName = new("model") { Description = "Model component name (see 'hass plugins')" };
    private static readonly Option<int> Seed = NumberOptions.Int("--seed", "Training seed", 0, int.MaxValue, 0);
    private static readonly Option<int?> Epochs = NumberOptions.Int("--epochs", "Override the recipe's epochs", 1, 10_000);
    private static readonly Option<string?> Data = new Option<string?>("--data") { Description = "Dataset folder (default: $HASS_FASHION_MNIST or /usr/share/datasets/fashion-mnist)" }.ForPaths();
    private static readonly Option<string?> Cache = new Option<string?>("--cache") { Description = "Checkpoint cache folder (default: $HASS_CACHE/checkpoints or ~/.cache/hass/checkpoints)" }.ForPaths();
    private static readonly Option<string?> Out = new Option<string?>("--out") { Description = "Output file" }.ForPaths();
    private static readonly Option<string?> PyTorchOut = new Option<string?>("--pytorch-out") { Description = "Also write the weights as a PyTorch state_dict" }.ForPaths();
    private static readonly Option<bool> Force = new("--force") { Description = "Train even if a cached checkpoint exists" };
    private static readonly Option<int?> Threads = NumberOptions.Int("--threads", "Torch CPU threads (1 to 4 per core)", n => Hass.Torch.TorchRuntime.ThreadsProblem(n, "--threads"));
    private static readonly Option<string?> Checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint (TorchSharp .dat or PyTorch state_dict .pt/.bin)" }.ForPaths();
    private static readonly Option<int?> Images = NumberOptions.Int("--images", "Evaluate on the first N test images only", 1, 10_000_000);
    private static readonly Option<bool> Json = new("--json") { Description = "Print JSON" };
    private static readonly Option<string?> Params = new Option<string?>("--params") { Description = "Parameter file (JSON object: dimension name → value)" }.ForPaths();
    private static readonly Option<string> Pruning = new("--pruning") { Description = "Pruning criterion the parameters belong to", DefaultValueFactory = _ => "threshold" };
    private static readonly Option<System.Text.Json.JsonElement?> PruningSettings = PruningSettingsOption.Create();
    private static readonly Option<int> CalibrationImages = NumberOptions.Int("--calibration-images", "Images the profile is collected over", 1, 10_000_000, 1000);
    private static readonly Option<bool> NoFixedPoint = new("--no-fixed-point") { Description = "Profile in float32 (no 16-bit fixed-point emulation)" };
    private static readonly Option<bool> Folded = new("--folded") { Description = "Export BN-folded, quantised weights as the board runs them" };
    private static readonly Option<PreprocessSpec?> Preprocess = PreprocessOption.Create("The network's input preprocessing when not the model's default");
    private static readonly Option<int?> ExportTrial = new("--trial") { Description = "Export this trial's pruned network; the argument is then a campaign name" };
    private static readonly Option<string> ExportFormat = new("--format") { Description = "With --trial: the exchange format (onnx)", DefaultValueFactory = _ => "onnx" };

    public Command Build(CommandRunner run)
    {
        // Registered as one ICliCommand so the three top-level names stay together; see Graph/Profile below.
        var model = new Command("model", "Train, evaluate or export a model of the zoo");

        var train = new Command("train", "Train a model (fixed seed; the checkpoint is cached by content hash)") { ModelName };
        foreach (var o in new Option[] { Seed, Epochs, Data, Cache, Out, PyTorchOut, Force, Threads }) train.Options.Add(o);
        train.SetAction(run(Interruptible.Action("hass model train stopped; no checkpoint was written", Torch((c, p, w, ct) => c.Train(new TrainCommandOptions
        {
            Model = p.GetValue(ModelName)!, Seed = p.GetValue(Seed), Epochs = p.GetValue(Epochs), Data = p.GetValue(Data), Cache = p.GetValue(Cache),
            Out = p.GetValue(Out), PyTorchOut = p.GetValue(PyTorchOut), Force = p.GetValue(Force), Threads = p.GetValue(Threads),
        }, w, ct)))));
        model.Subcommands.Add(train);

        var eval = new Command("eval", "Top-1 accuracy on the 10k test set") { ModelName };
        foreach (var o in new Option[] { Checkpoint, Data, Cache, Images, Json, Threads, Preprocess }) eval.Options.Add(o);
        eval.SetAction(run(Interruptible.Action("hass model eval stopped before it measured the test set", Torch((c, p, w, ct) => c.Eval(new EvalCommandOptions
        {
            Model = p.GetValue(ModelName)!, Checkpoint = p.GetValue(Checkpoint), Data = p.GetValue(Data), Cache = p.GetValue(Cache),
            Images = p.GetValue(Images), Json = p.GetValue(Json), Threads = p.GetValue(Threads), Preprocess = p.GetValue(Preprocess),
        }, w, ct)))));
        model.Subcommands.Add(eval);

        var export = new Command("export", "Write the model's weights as a PyTorch state_dict, or with --trial N a campaign trial's pruned network (ONNX)") { ModelName };
        foreach (var o in new Option[] { Out, Checkpoint, Data, Cache, Folded, ExportTrial, ExportFormat }) export.Options.Add(o);
        var exportWeights = Torch((c, p, w, ct) => c.ExportWeights(new ExportWeightsCommandOptions
        {
            Model = p.GetValue(ModelName)!, Out = p.GetValue(Out) ?? throw new UsageException("model export: --out FILE is required"),
            Checkpoint = p.GetValue(Checkpoint), Data = p.GetValue(Data), Cache = p.GetValue(Cache), Folded = p.GetValue(Folded),
        }, w, ct));
        export.SetAction(run(Interruptible.Action("hass model export stopped; nothing was written", (ctx, ct) => ctx.Parse.GetValue(ExportTrial) is { } trial
            ? Task.FromResult(PrunedExport.Network(ctx, ctx.Parse.GetValue(ModelName)!, trial, ctx.Parse.GetValue(ExportFormat)!, ctx.Parse.GetValue(Out), ct))
            : exportWeights(ctx, ct))));
        model.Subcommands.Add(export);
        return model;
    }

    /// <summary>Runs a Hass.Torch command with the plugins' models and criteria; its "bad input" (1) becomes exit code 2.</summary>
    internal static Func<CliContext, CancellationToken, Task<int>> Torch(Func<ModelCommands, ParseResult, TextWriter, CancellationToken, int> body) => (ctx, ct) =>
    {
        var commands = new ModelCommands(ctx.Services.GetRequiredService<ModelCatalog>(), ctx.Services.GetRequiredService<TorchTrialEvaluatorFactory>(), ctx.Error);
        var code = body(commands, ctx.Parse, ctx.Out.Profile.Out.Writer, ct);
        return Task.FromResult(code switch { 0 => ExitCodes.Success, 1 => ExitCodes.InvalidInput, _ => ExitCodes.Failure });
    };

    /// <summary>`hass graph MODEL [--json] [--out FILE]`.</summary>
    public sealed class Graph : ICliCommand
    {
        public int Order => 41;
        public Command Build(CommandRunner run)
        {
            var cmd = new Command("graph", "Print a model's hardware graph: layers, shapes, MACs, parameters") { ModelName };
            cmd.Options.Add(Json);
            cmd.Options.Add(Out);
            cmd.SetAction(run(Torch((c, p, w, _) => c.Graph(new GraphCommandOptions { Model = p.GetValue(ModelName)!, Json = p.GetValue(Json), Out = p.GetValue(Out) }, w))));
            return cmd;
        }
    }

    /// <summary>`hass profile MODEL [--params FILE] [--json|--out FILE]`.</summary>
    public sealed class Profile : ICliCommand
    {
        public int Order => 42;
        public Command Build(CommandRunner run)
        {
            var cmd = new Command("profile", "Sparsity profile (per-channel zero histograms per conv layer) of a model, optionally pruned") { ModelName };
            foreach (var o in new Option[] { Params, Pruning, PruningSettings, Checkpoint, Data, Cache, CalibrationImages, NoFixedPoint, Json, Out, Threads, Preprocess }) cmd.Options.Add(o);
            cmd.SetAction(run(Interruptible.Action("hass profile stopped; nothing was written", Torch((c, p, w, ct) => c.Profile(new ProfileCommandOptions
            {
                Model = p.GetValue(ModelName)!, Params = p.GetValue(Params), Pruning = p.GetValue(Pruning)!, PruningSettings = p.GetValue(PruningSettings) ?? default, Checkpoint = p.GetValue(Checkpoint),
                Data = p.GetValue(Data), Cache = p.GetValue(Cache), CalibrationImages = p.GetValue(CalibrationImages), FixedPoint16 = !p.GetValue(NoFixedPoint),
                Json = p.GetValue(Json), Out = p.GetValue(Out), Threads = p.GetValue(Threads), Preprocess = p.GetValue(Preprocess),
            }, w, ct)))));
            return cmd;
        }
    }
}
