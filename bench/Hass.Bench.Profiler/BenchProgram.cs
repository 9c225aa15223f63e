using System.CommandLine;
using Hass.Models.Zoo;
using Hass.Torch.Commands;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Bench.Profiler;

/// <summary>
/// Benchmarks of the model side, run on demand (never in tests):
///   profiler   — mask-convolution profiler vs direct window×filter materialisation on fmnist-resnet
///   trial      — time of one trial evaluation (accuracy on the search split + profile on calibration images)
///   concurrency — one trial evaluation alone vs two at once (parallelism 2), interleaved rounds
///   outcomes   — every figure of the evaluation of seeded points, to diff two builds
///   train|eval|graph|profile — the `hass model …` command logic (for machines without the CLI build)
/// </summary>
public static class BenchProgram
{
    private static readonly Argument<string> Model = new("model") { Description = "model name (hass models)" };
    private static readonly Option<string?> Cache = new("--cache") { Description = "checkpoint cache folder" };
    private static readonly Option<string?> Checkpoint = new("--checkpoint") { Description = "checkpoint file" };
    private static readonly Option<int?> Threads = new("--threads") { Description = "torch threads" };
    private static readonly Option<bool> Json = new("--json") { Description = "JSON output" };
    private static readonly Option<string?> Out = new("--out") { Description = "output file" };

    /// <summary>Runs the command line; bad arguments print one error per problem and exit 2.</summary>
    public static int Run(string[] args)
    {
        var root = new RootCommand("Benchmarks of the model side (docs/models.md, Benchmarks)")
        {
            ProfilerCommand(), TrialCommand(), ConcurrencyCommand(), OutcomesCommand(), TrainCommand(), EvalCommand(), GraphCommand(), ProfileCommand(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count == 0) return parse.Invoke();
        foreach (var error in parse.Errors) Console.Error.WriteLine("error: " + error.Message);
        return 2;
    }

    public static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        new ZooPlugin().ConfigureServices(services);
        new Hass.Pruning.Threshold.ThresholdPruningPlugin().ConfigureServices(services);
        services.AddHassTorch();
        return services.BuildServiceProvider();
    }

    /// <summary>The `hass model …` command logic over the bench's services.</summary>
    private static ModelCommands Commands()
    {
        var services = BuildServices();
        return new ModelCommands(services.GetRequiredService<ModelCatalog>(), services.GetRequiredService<TorchTrialEvaluatorFactory>());
    }

    private static Command ProfilerCommand()
    {
        var model = new Option<string>("--model") { Description = "model to profile", DefaultValueFactory = _ => "fmnist-resnet" };
        var images = new Option<int>("--images") { Description = "images profiled", DefaultValueFactory = _ => 64 };
        var command = new Command("profiler", "mask-convolution profiler vs direct window×filter materialisation") { model, images };
        command.SetAction(parse => ProfilerBenchmark.Run(BuildServices(), parse.GetValue(model)!, parse.GetValue(images), Console.Out));
        return command;
    }

    private static Command TrialCommand()
    {
        var model = new Option<string>("--model") { Description = "model evaluated", DefaultValueFactory = _ => "fmnist-vgg" };
        var calibration = new Option<int>("--calibration") { Description = "calibration images profiled", DefaultValueFactory = _ => 1000 };
        var repeats = new Option<int>("--repeats") { Description = "timed trials", DefaultValueFactory = _ => 5 };
        var command = new Command("trial", "time of one trial evaluation (accuracy on the search split + profile on calibration images)") { model, calibration, repeats };
        command.SetAction(parse => TrialBenchmark.Run(BuildServices(), parse.GetValue(model)!, parse.GetValue(calibration), parse.GetValue(repeats), Console.Out));
        return command;
    }

    private static Command ConcurrencyCommand()
    {
        var model = new Option<string>("--model") { Description = "model evaluated", DefaultValueFactory = _ => "fmnist-vgg" };
        var trials = new Option<int>("--trials") { Description = "evaluations per evaluator and round", DefaultValueFactory = _ => 6 };
        var rounds = new Option<int>("--rounds") { Description = "rounds (each: alone, then two at once)", DefaultValueFactory = _ => 5 };
        var calibration = new Option<int>("--calibration") { Description = "calibration images profiled", DefaultValueFactory = _ => 200 };
        var seed = new Option<int>("--seed") { Description = "seed of the random points", DefaultValueFactory = _ => 7 };
        var noProfile = new Option<bool>("--no-profile") { Description = "accuracy pass only (no sparsity profile)" };
        var command = new Command("concurrency", "one trial evaluation alone vs two at once (parallelism 2), interleaved") { model, trials, rounds, calibration, seed, noProfile };
        command.SetAction(parse => ConcurrencyBenchmark.Run(BuildServices(), new ConcurrencyBenchmark.Settings(parse.GetValue(model)!,
            parse.GetValue(trials), parse.GetValue(rounds), parse.GetValue(calibration), parse.GetValue(seed), !parse.GetValue(noProfile)), Console.Out));
        return command;
    }

    private static Command OutcomesCommand()
    {
        var model = new Option<string>("--model") { Description = "model evaluated", DefaultValueFactory = _ => "fmnist-vgg" };
        var points = new Option<int>("--points") { Description = "random points evaluated", DefaultValueFactory = _ => 8 };
        var seed = new Option<int>("--seed") { Description = "seed of the random points", DefaultValueFactory = _ => 11 };
        var command = new Command("outcomes", "every figure of the evaluation of seeded random points (diff two builds)") { model, points, seed };
        command.SetAction(parse => OutcomesBenchmark.Run(BuildServices(), parse.GetValue(model)!, parse.GetValue(points), parse.GetValue(seed), Console.Out));
        return command;
    }

    private static Command TrainCommand()
    {
        var seed = new Option<int>("--seed") { Description = "training seed" };
        var epochs = new Option<int?>("--epochs") { Description = "epochs (default: the model's)" };
        var data = new Option<string?>("--data") { Description = "dataset folder" };
        var force = new Option<bool>("--force") { Description = "train even if a checkpoint exists" };
        var pyTorchOut = new Option<string?>("--pytorch-out") { Description = "also write a PyTorch state dict" };
        var command = new Command("train", "hass model train") { Model, seed, epochs, Out, Cache, data, Threads, force, pyTorchOut };
        command.SetAction(parse => Commands().Train(new TrainCommandOptions
        {
            Model = parse.GetValue(Model)!, Seed = parse.GetValue(seed), Epochs = parse.GetValue(epochs), Out = parse.GetValue(Out),
            Cache = parse.GetValue(Cache), Data = parse.GetValue(data), Threads = parse.GetValue(Threads), Force = parse.GetValue(force),
            PyTorchOut = parse.GetValue(pyTorchOut),
        }, Console.Out));
        return command;
    }

    private static Command EvalCommand()
    {
        var command = new Command("eval", "hass model eval") { Model, Checkpoint, Cache, Threads };
        command.SetAction(parse => Commands().Eval(new EvalCommandOptions
        {
            Model = parse.GetValue(Model)!, Checkpoint = parse.GetValue(Checkpoint), Cache = parse.GetValue(Cache), Threads = parse.GetValue(Threads),
        }, Console.Out));
        return command;
    }

    private static Command GraphCommand()
    {
        var command = new Command("graph", "hass model graph") { Model, Json };
        command.SetAction(parse => Commands().Graph(new GraphCommandOptions { Model = parse.GetValue(Model)!, Json = parse.GetValue(Json) }, Console.Out));
        return command;
    }

    private static Command ProfileCommand()
    {
        var parameters = new Option<string?>("--params") { Description = "pruning parameters (JSON)" };
        var calibration = new Option<int>("--calibration") { Description = "calibration images", DefaultValueFactory = _ => 1000 };
        var command = new Command("profile", "hass model profile") { Model, parameters, Json, Out, calibration, Cache, Checkpoint };
        command.SetAction(parse => Commands().Profile(new ProfileCommandOptions
        {
            Model = parse.GetValue(Model)!, Params = parse.GetValue(parameters), Json = parse.GetValue(Json), Out = parse.GetValue(Out),
            CalibrationImages = parse.GetValue(calibration), Cache = parse.GetValue(Cache), Checkpoint = parse.GetValue(Checkpoint),
        }, Console.Out));
        return command;
    }
}
