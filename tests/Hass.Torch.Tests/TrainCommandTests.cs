using Hass.Torch.Evaluation;
using Hass.Abstractions;
using Hass.Torch.Commands;
using Hass.Torch.Data;
using Hass.Torch.Models;
using Hass.Torch.Training;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Torch.Tests;

/// <summary>`model train` on a synthetic IDX dataset with a tiny model: trains once, then reuses the cache.</summary>
public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("hass-train-").FullName;
    private ServiceProvider? _services;

    public void Dispose()
    {
        _services?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The model commands with the tiny model and Hass.Torch registered.</summary>
    private ModelCommands Commands()
    {
        var services = new ServiceCollection();
        services.AddHassComponent<IModelProvider>(ComponentKind.Model, new TinyModel());
        services.AddHassTorch();
        _services = services.BuildServiceProvider();
        return new ModelCommands(_services.GetRequiredService<ModelCatalog>(), _services.GetRequiredService<TorchTrialEvaluatorFactory>());
    }

    private sealed class TinyModel : ModelProvider
    {
        public override string Name => "tiny";
        public override string Description => "test model";
        public override ModelInfo Info { get; } = new()
        {
            InputShape = new TensorShape(1, 4, 4), Classes = 2, DefaultDataset = "fashion-mnist", Mean = [0.5f], Std = [0.25f],
            Training = new TrainingRecipe { Epochs = 1, BatchSize = 50, LearningRate = 1e-2, Augment = false },
        };
        protected override void Define(NetBuilder b)
        {
            var x = b.ReLU("features.1", b.Conv("features.0", b.Input, 4, 3, padding: 1));
            b.Linear("classifier", b.Flatten("flatten", b.GlobalPool("pool", x)), 2);
        }
    }

    /// <summary>2,300 training images (2,000 are held out) whose class is whether the image is bright.</summary>
    private string WriteDataset()
    {
        var rng = new Random(3);
        void Write(string images, string labels, int n)
        {
            var pixels = new byte[n * 16];
            var classes = new byte[n];
            for (int i = 0; i < n; i++)
            {
                classes[i] = (byte)(i % 2);
                for (int p = 0; p < 16; p++) pixels[i * 16 + p] = (byte)(classes[i] == 1 ? rng.Next(128, 256) : rng.Next(0, 128));
            }
            IdxFile.Write(Path.Combine(_dir, images), [n, 4, 4], pixels);
            IdxFile.Write(Path.Combine(_dir, labels), [n], classes);
        }
        Write("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", 2300);
        Write("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz", 100);
        return _dir;
    }

    [Fact]
    public void TrainsOnceThenUsesTheCache()
    {
        var commands = Commands();
        var data = WriteDataset();
        var cache = Path.Combine(_dir, "cache");
        var options = new TrainCommandOptions { Model = "tiny", Data = data, Cache = cache, Threads = 1, Out = Path.Combine(_dir, "out", "tiny.dat"), PyTorchOut = Path.Combine(_dir, "tiny.pt") };

        var first = new StringWriter();
        Assert.Equal(0, commands.Train(options, first));
        Assert.Contains("epoch 1/1", first.ToString());
        Assert.Single(Directory.GetFiles(cache, "tiny-*.dat"));
        Assert.True(File.Exists(options.Out) && File.Exists(Path.ChangeExtension(options.Out, ".json")) && File.Exists(options.PyTorchOut));
        var metadata = Hass.Torch.Training.CheckpointStore.ReadMetadata(options.Out)!;
        Assert.Equal("tiny", metadata.Model);
        Assert.InRange(metadata.TestTop1!.Value, 90, 100);
        Assert.Equal(DataSplits.DefaultHeldOut, metadata.Recipe!.HeldOut);

        var second = new StringWriter();
        Assert.Equal(0, commands.Train(options, second));
        Assert.Contains("already trained", second.ToString());
        Assert.DoesNotContain("epoch", second.ToString());

        // A different seed is a different checkpoint.
        Assert.Equal(0, commands.Train(options with { Seed = 1, Out = null, PyTorchOut = null }, new StringWriter()));
        Assert.Equal(2, Directory.GetFiles(cache, "tiny-*.dat").Length);

        // So is a different held-out count: checkpoints trained on different images never mix.
        var tiny = new TinyModel();
        var identity = Datasets.OpenIdx("fashion-mnist", data).Identity;
        var recipe = tiny.Info.Training!;
        Assert.NotEqual(CheckpointStore.TrainingKey(tiny, recipe, 0, identity), CheckpointStore.TrainingKey(tiny, recipe with { HeldOut = 2200 }, 0, identity));

        var eval = new StringWriter();
        Assert.Equal(0, commands.Eval(new EvalCommandOptions { Model = "tiny", Data = data, Cache = cache }, eval));
        Assert.Contains("test top-1", eval.ToString());
    }

    [Fact]
    public void A_cancelled_training_stops_between_batches_and_writes_no_checkpoint_and_no_copy_then_a_cancelled_eval_measures_nothing()
    {
        var commands = Commands();
        var data = WriteDataset();
        var cache = Path.Combine(_dir, "cache");
        var outFolder = Path.Combine(_dir, "out");
        var options = new TrainCommandOptions { Model = "tiny", Data = data, Cache = cache, Threads = 1, Out = Path.Combine(outFolder, "tiny.dat") };
        using var cancel = new CancellationTokenSource();
        var output = new CancelOnLine("training 1 epochs", cancel);   // as Ctrl-C once training has started

        Assert.Throws<OperationCanceledException>(() => commands.Train(options, output, cancel.Token));
        Assert.DoesNotContain("epoch 1/1", output.ToString());
        Assert.Empty(Directory.Exists(cache) ? Directory.GetFileSystemEntries(cache, "*", SearchOption.AllDirectories) : []);
        Assert.Empty(Directory.Exists(outFolder) ? Directory.GetFileSystemEntries(outFolder) : []);

        Assert.Equal(0, commands.Train(options with { Out = null }, new StringWriter()));
        var eval = new StringWriter();
        Assert.Throws<OperationCanceledException>(() => commands.Eval(new EvalCommandOptions { Model = "tiny", Data = data, Cache = cache }, eval, cancel.Token));
        Assert.Equal("", eval.ToString());
    }

    /// <summary>Cancels <paramref name="cancel"/> when a line containing <paramref name="text"/> is written.</summary>
    private sealed class CancelOnLine(string text, CancellationTokenSource cancel) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.Contains(text, StringComparison.Ordinal) == true) cancel.Cancel();
        }
    }

    [Theory]
    [InlineData("folder", "is a folder; give a file path")]
    [InlineData("campaign", "which exists and is not a checkpoint's metadata; move it, or give --out another name")]
    [InlineData("json", "ends in .json, the name of the metadata written next to the checkpoint; give a .dat file")]
    [InlineData("under-a-file", "is a file, so")]
    public void An_out_path_it_cannot_use_is_refused_before_training_and_no_file_changes(string kind, string message)
    {
        var commands = Commands();
        var work = Directory.CreateDirectory(Path.Combine(_dir, "work")).FullName;
        var campaign = Path.Combine(work, "fmnist-hass.json");
        File.WriteAllText(campaign, """{ "name": "fmnist-hass", "model": "fmnist-vgg" }""");
        var outPath = kind switch
        {
            "folder" => work,
            "campaign" => Path.Combine(work, "fmnist-hass.dat"),
            "json" => Path.Combine(work, "tiny.json"),
            _ => Path.Combine(campaign, "tiny.dat"),
        };
        var before = Directory.GetFileSystemEntries(work).ToDictionary(f => f, File.ReadAllBytes);
        var cache = Path.Combine(_dir, "cache");

        var text = new StringWriter();
        var code = commands.Train(new TrainCommandOptions { Model = "tiny", Data = WriteDataset(), Cache = cache, Threads = 1, Out = outPath }, text);

        Assert.Equal(1, code);
        Assert.Contains(message, text.ToString());
        Assert.DoesNotContain("epoch", text.ToString());
        Assert.False(Directory.Exists(cache));
        Assert.Equal(before, Directory.GetFileSystemEntries(work).ToDictionary(f => f, File.ReadAllBytes));
    }

    [Fact]
    public void MissingDataAndUntrainedModelsGiveClearErrors()
    {
        var commands = Commands();
        var text = new StringWriter();
        Assert.Equal(1, commands.Train(new TrainCommandOptions { Model = "tiny", Data = Path.Combine(_dir, "none") }, text));
        Assert.Contains("apt-get install dataset-fashion-mnist", text.ToString());
        text = new StringWriter();
        Assert.Equal(1, commands.Eval(new EvalCommandOptions { Model = "tiny", Data = WriteDataset(), Cache = Path.Combine(_dir, "empty") }, text));
        Assert.Contains("hass model train tiny", text.ToString());
    }

    [Fact]
    public void The_torch_evaluator_gets_its_models_and_criteria_from_the_container()
    {
        var services = new ServiceCollection();
        services.AddHassTorch();
        services.AddHassComponent<IModelProvider>(ComponentKind.Model, new TinyModel());   // registered after the evaluator: order does not matter
        using var provider = services.BuildServiceProvider();
        var factory = provider.GetRequiredKeyedService<ITrialEvaluatorFactory>("torch");
        Assert.Same(provider.GetRequiredService<TorchTrialEvaluatorFactory>(), factory);
        Assert.True(factory.Supports("tiny"));
        Assert.False(factory.Supports("lenet"));
        Assert.Equal("tiny", factory.DescribeGraph("tiny")!.Name);
        var e = Assert.Throws<ModelException>(() => factory.Create(new EvaluatorSpec { Model = "tiny", Pruning = "threshold", DatasetPath = WriteDataset() }));
        Assert.Equal("unknown pruning criterion 'threshold'. Known: none (is the Hass.Pruning.Threshold plugin loaded?)", e.Message);
    }
}
