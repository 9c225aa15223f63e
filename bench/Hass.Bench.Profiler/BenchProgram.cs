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
///   train|eval — the `hass model train|eval` command logic (for machines without the CLI build)
/// </summary>
public static class BenchProgram
{
    public static int Run(string[] args)
    {
        if (args.Length == 0) return Usage();
        var services = BuildServices();
        var commands = new ModelCommands(services.GetRequiredService<ModelCatalog>(), services.GetRequiredService<TorchTrialEvaluatorFactory>());
        string? Option(string name) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : null; }
        int? IntOption(string name) => Option(name) is { } v ? int.Parse(v) : null;
        switch (args[0])
        {
            case "train" when args.Length > 1:
                return commands.Train(new TrainCommandOptions
                {
                    Model = args[1], Seed = IntOption("--seed") ?? 0, Epochs = IntOption("--epochs"), Out = Option("--out"),
                    Cache = Option("--cache"), Data = Option("--data"), Threads = IntOption("--threads"), Force = args.Contains("--force"),
                    PyTorchOut = Option("--pytorch-out"),
                }, Console.Out);
            case "eval" when args.Length > 1:
                return commands.Eval(new EvalCommandOptions { Model = args[1], Checkpoint = Option("--checkpoint"), Cache = Option("--cache"), Threads = IntOption("--threads") }, Console.Out);
            case "graph" when args.Length > 1:
                return commands.Graph(new GraphCommandOptions { Model = args[1], Json = args.Contains("--json") }, Console.Out);
            case "profile" when args.Length > 1:
                return commands.Profile(new ProfileCommandOptions
                {
                    Model = args[1], Params = Option("--params"), Json = args.Contains("--json"), Out = Option("--out"),
                    CalibrationImages = IntOption("--calibration") ?? 1000, Cache = Option("--cache"), Checkpoint = Option("--checkpoint"),
                }, Console.Out);
            case "profiler":
                return ProfilerBenchmark.Run(services, Option("--model") ?? "fmnist-resnet", IntOption("--images") ?? 64, Console.Out);
            case "trial":
                return TrialBenchmark.Run(services, Option("--model") ?? "fmnist-vgg", IntOption("--calibration") ?? 1000, IntOption("--repeats") ?? 5, Console.Out);
            default:
                return Usage();
        }
    }

    public static ServiceProvider BuildServices()
    {
        var services = new ServiceCollection();
        new ZooPlugin().ConfigureServices(services);
        new Hass.Pruning.Threshold.ThresholdPruningPlugin().ConfigureServices(services);
        services.AddHassTorch();
        return services.BuildServiceProvider();
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Hass.Bench.Profiler profiler [--model fmnist-resnet] [--images 64]");
        Console.Error.WriteLine("       Hass.Bench.Profiler trial [--model fmnist-vgg] [--calibration 1000] [--repeats 5]");
        Console.Error.WriteLine("       Hass.Bench.Profiler train|eval|graph|profile <model> [options of the hass commands]");
        return 2;
    }
}
