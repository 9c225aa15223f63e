using System.Diagnostics;
using System.Globalization;
using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using Hass.Torch.Training;

namespace Hass.Torch.Commands;

/// <summary>
/// The model-side commands of the `hass` CLI as library calls: typed options in, text out, exit code back
/// (0 ok, 1 bad input or missing data/model, 2 unexpected failure). Models come from <paramref name="models"/>,
/// pruned evaluations from <paramref name="evaluators"/> (both built by the container). Errors go to
/// <paramref name="error"/> (standard error in `hass`), or to the output when none is given. A cancelled token stops
/// Train, Eval and Profile between two batches with an OperationCanceledException, before they write anything, and
/// ExportWeights before it writes.
/// </summary>
public sealed class ModelCommands(ModelCatalog models, TorchTrialEvaluatorFactory evaluators, TextWriter? error = null)
{
    public int Train(TrainCommandOptions o, TextWriter output, CancellationToken cancellationToken = default) => Run(output, () =>
    {
        TorchRuntime.Configure(o.Threads);
        OutputFiles.CheckCheckpoint(o.Out, "--out");
        OutputFiles.Check(o.PyTorchOut, "--pytorch-out");
        var provider = models.Resolve(o.Model);
        var recipe = provider.Info.Training
            ?? throw new ModelException($"model '{o.Model}' has no training recipe (ImageNet architectures are not trained by HASS): load PyTorch weights with --checkpoint file.pt");
        if (o.Epochs is { } epochs) recipe = recipe with { Epochs = epochs };
        var dataset = Datasets.Open(provider.Info.DefaultDataset, o.Data, provider.Info.InputShape);
        var store = new CheckpointStore(o.Cache);
        var key = CheckpointStore.TrainingKey(provider, recipe, o.Seed, dataset.Identity);
        var path = store.Find(provider.Name, key);
        if (path is not null && !o.Force)
        {
            var meta = CheckpointStore.ReadMetadata(path);
            output.WriteLine($"{provider.Name}: already trained with this recipe, seed and data: {path}" +
                (meta is null ? "" : $" (held-out {meta.HeldOutTop1:F2}%, test {meta.TestTop1:F2}%)"));
        }
        else
        {
            output.WriteLine($"{provider.Name}: training {recipe.Epochs} epochs, batch {recipe.BatchSize}, lr {recipe.LearningRate}, seed {o.Seed} on {dataset.Name} (cache key {key[..16]})");
            var splits = new DataSplits(dataset, recipe.HeldOut);
            var normalisation = new Normalisation(provider.Info.Mean, provider.Info.Std);
            using var net = provider.Build(o.Seed);
            var report = Trainer.Train(net, splits, normalisation, recipe, o.Seed, output, cancellationToken);
            var test = ModelEvaluator.Run(net, splits.Test, normalisation, new PassOptions(), cancellationToken);
            path = store.Save(net, new CheckpointMetadata
            {
                Model = provider.Name, Key = key, Seed = o.Seed, Recipe = recipe, Dataset = dataset.Identity,
                TrainSeconds = report.Seconds, HeldOutTop1 = report.HeldOutTop1, TestTop1 = test.Top1,
                Command = $"hass model train {provider.Name} --seed {o.Seed}" + (o.Epochs is null ? "" : $" --epochs {o.Epochs}"),
                Machine = $"{Environment.ProcessorCount} cores, {TorchSharp.torch.get_num_threads()} torch threads",
            });
            output.WriteLine($"{provider.Name}: test top-1 {test.Top1:F2}% ({test.Images} images), trained in {report.Seconds:F0} s; saved {path}");
        }
        if (o.Out is not null)
        {
            OutputFiles.Write(o.Out, "--out", copy => File.Copy(path, copy));
            var json = Path.ChangeExtension(path, ".json");
            if (File.Exists(json)) OutputFiles.Write(Path.ChangeExtension(o.Out, ".json"), "--out", copy => File.Copy(json, copy));
            output.WriteLine($"copied to {o.Out}");
        }
        if (o.PyTorchOut is not null)
        {
            using var net = provider.Build(0);
            Checkpoints.Load(net, path);
            OutputFiles.Write(o.PyTorchOut, "--pytorch-out", file => Checkpoints.SavePyTorch(net, file));
            output.WriteLine($"PyTorch state_dict written to {o.PyTorchOut}");
        }
    });

    public int Eval(EvalCommandOptions o, TextWriter output, CancellationToken cancellationToken = default) => Run(output, () =>
    {
        TorchRuntime.Configure(o.Threads);
        var provider = models.Resolve(o.Model);
        var normalisation = Normalisation.For(provider.Info, o.Preprocess);
        var dataset = Datasets.Open(provider.Info.DefaultDataset, o.Data, provider.Info.InputShape, o.Preprocess?.Resize);
        var whole = new ImageSet("test", dataset.Test);   // no split: the training images are not needed, however few there are
        var test = o.Images is { } n ? whole.Take(Math.Min(n, whole.Count)) : whole;
        var loaded = ModelCatalog.Load(provider, o.Checkpoint, new CheckpointStore(o.Cache), dataset);
        using var net = loaded.Net;
        var clock = Stopwatch.StartNew();
        var plain = ModelEvaluator.Run(net, test, normalisation, new PassOptions(), cancellationToken);
        using var deployed = TrialNetwork.Prepare(net, fixedPoint16: true);
        var fixed16 = ModelEvaluator.Run(deployed, test, normalisation, new PassOptions(), cancellationToken);
        if (o.Json)
        {
            output.WriteLine(HassJson.Serialize(new
            {
                Model = provider.Name, Weights = loaded.WeightsSource, Split = "test", Images = plain.Images,
                Top1 = plain.Top1, Top1FixedPoint16 = fixed16.Top1, Seconds = clock.Elapsed.TotalSeconds,
            }, indented: true));
        }
        else
        {
            output.WriteLine($"{provider.Name} ({loaded.WeightsSource})");
            output.WriteLine($"test top-1: {plain.Top1.ToString("F2", CultureInfo.InvariantCulture)}% float32, " +
                $"{fixed16.Top1.ToString("F2", CultureInfo.InvariantCulture)}% 16-bit fixed point (BN folded) on {plain.Images} images ({clock.Elapsed.TotalSeconds:F1} s)");
        }
    });

    public int Graph(GraphCommandOptions o, TextWriter output) => Run(output, () =>
    {
        OutputFiles.Check(o.Out, "--out");
        var provider = models.Resolve(o.Model);
        using var net = provider.Build(0);
        var graph = net.ToGraph();
        if (o.Out is not null) { OutputFiles.Write(o.Out, "--out", file => HassJson.WriteFile(file, graph)); output.WriteLine($"graph of {graph.Name} written to {o.Out}"); }
        if (o.Json) { output.WriteLine(HassJson.Serialize(graph, indented: true)); return; }
        if (o.Out is not null) return;
        output.WriteLine($"{graph.Name}: {graph.Layers.Count} layers, {graph.TotalMacs / 1e6:F2} MMAC, {graph.TotalParameters / 1e6:F3} M parameters (BN folded), {graph.Classes} classes");
        output.WriteLine($"{"layer",-36} {"kind",-12} {"input",-14} {"output",-14} {"k/s/p/g",-12} {"MACs",14} {"params",10}");
        foreach (var l in graph.Layers)
        {
            var geometry = l.Kind is LayerKind.Conv or LayerKind.MaxPool or LayerKind.AvgPool
                ? $"{l.KernelRows}/{l.StrideRows}/{l.PadTop}/{l.Groups}" : "";
            output.WriteLine($"{l.Name,-36} {l.Kind,-12} {l.InputShape,-14} {l.OutputShape,-14} {geometry,-12} {l.Macs,14:N0} {l.Parameters,10:N0}");
        }
    });

    public int Profile(ProfileCommandOptions o, TextWriter output, CancellationToken cancellationToken = default) => Run(output, () =>
    {
        TorchRuntime.Configure(o.Threads);
        OutputFiles.Check(o.Out, "--out");
        var parameters = o.Params is null ? null : ReadParameters(o.Params);
        var spec = new EvaluatorSpec
        {
            Model = o.Model, Checkpoint = o.Checkpoint, DatasetPath = o.Data, Pruning = o.Pruning, PruningSettings = o.PruningSettings,
            CalibrationImages = o.CalibrationImages, FixedPoint16 = o.FixedPoint16, Preprocess = o.Preprocess,
        };
        using var evaluator = evaluators.CreateEvaluator(spec, cache: o.Cache);
        var point = parameters is null ? evaluator.SearchSpace.Defaults() : Complete(evaluator.SearchSpace, parameters);
        var outcome = evaluator.Evaluate(point, new EvaluationRequest { Split = "search", Profile = true }, cancellationToken);
        var profile = outcome.Profile!;
        if (o.Out is not null) { OutputFiles.Write(o.Out, "--out", file => HassJson.WriteFile(file, profile)); output.WriteLine($"profile of {profile.Model} written to {o.Out}"); }
        if (o.Json) { output.WriteLine(HassJson.Serialize(profile, indented: true)); return; }
        output.WriteLine($"{profile.Model}: search top-1 {outcome.Top1:F2}% on {outcome.Images} images; profile over {profile.Images} calibration images" +
            $" ({(profile.FixedPoint16 ? "16-bit fixed point" : "float32")})");
        output.WriteLine($"weight sparsity {outcome.WeightSparsity:P2}, activation sparsity {outcome.ActivationSparsity:P2}, effective sparsity {outcome.EffectiveSparsity:P2}" +
            $"  (accuracy {outcome.EvaluationTime.TotalSeconds:F2} s, profile {outcome.ProfileTime.TotalSeconds:F2} s)");
        output.WriteLine($"{"layer",-36} {"K",3} {"w density",10} {"a density",10} {"effective",10} {"mean",8}");
        foreach (var l in profile.Layers)
            output.WriteLine($"{l.Layer,-36} {l.KernelSize,3} {l.WeightDensity,10:P1} {l.ActivationDensity,10:P1} {l.EffectiveSparsity,10:P1} {l.MeanSparsity(),8:F3}");
    });

    public int ExportWeights(ExportWeightsCommandOptions o, TextWriter output, CancellationToken cancellationToken = default) => Run(output, () =>
    {
        TorchRuntime.Configure();
        OutputFiles.Check(o.Out, "--out");
        var provider = models.Resolve(o.Model);
        LabelledDataset? dataset = null;
        if (provider.Info.Training is not null && o.Checkpoint is null)
        {
            try { dataset = Datasets.Open(provider.Info.DefaultDataset, o.Data, provider.Info.InputShape); }
            catch (DatasetException) { /* the shipped checkpoint needs no data */ }
        }
        var loaded = ModelCatalog.Load(provider, o.Checkpoint, new CheckpointStore(o.Cache), dataset);
        using var net = loaded.Net;
        if (o.Folded)
        {
            using var deployed = TrialNetwork.Prepare(net, fixedPoint16: true);
            OutputFiles.Write(o.Out, "--out", file => Checkpoints.SavePyTorch(deployed, file), cancellationToken);
        }
        else OutputFiles.Write(o.Out, "--out", file => Checkpoints.SavePyTorch(net, file), cancellationToken);
        output.WriteLine($"{provider.Name}: weights from {loaded.WeightsSource} written to {o.Out} (PyTorch state_dict{(o.Folded ? ", BN folded, 16-bit" : "")})");
    });

    /// <summary>Reads {"name": value, ...} or {"values": {...}} (a ParameterSet as stored).</summary>
    public static ParameterSet ReadParameters(string path)
    {
        if (!File.Exists(path)) throw new ModelException($"parameter file '{path}' does not exist");
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(HassJson.ReadText(path), new System.Text.Json.JsonDocumentOptions { AllowDuplicateProperties = false });
            var root = doc.RootElement;
            if (root.TryGetProperty("values", out var values) || root.TryGetProperty("Values", out values)) root = values;
            var dict = new Dictionary<string, double>();
            foreach (var p in root.EnumerateObject()) dict[p.Name] = p.Value.GetDouble();
            return new ParameterSet(dict);
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelException($"parameter file '{path}' is not a JSON object of numbers ({{\"w:features.0\": 0.5, \"a:features.2\": 0.1}}): {e.Message}", e);
        }
    }

    /// <summary>Fills dimensions missing from <paramref name="given"/> with their defaults; rejects unknown names and values outside their range.</summary>
    public static ParameterSet Complete(SearchSpace space, ParameterSet given)
    {
        var names = space.Dimensions.Select(d => d.Name).ToHashSet();
        var unknown = given.Values.Keys.Where(k => !names.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new ModelException($"unknown parameter(s) {string.Join(", ", unknown)}; this search space has {string.Join(", ", names.Take(8))}{(names.Count > 8 ? ", ..." : "")}");
        var completed = new ParameterSet(space.Dimensions.ToDictionary(d => d.Name, d => given.Values.TryGetValue(d.Name, out var v) ? v : d.Default));
        return space.Outside(completed) is { } outside ? throw new ModelException($"parameter {outside}; give a value within its range") : completed;
    }

    private int Run(TextWriter output, Action body)
    {
        try
        {
            body();
            return 0;
        }
        catch (Exception e) when (e is ModelException or DatasetException or ArgumentException or InvalidOperationException or NotSupportedException or IOException)
        {
            (error ?? output).WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
