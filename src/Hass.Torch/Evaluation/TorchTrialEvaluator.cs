using System.Diagnostics;
using Hass.Abstractions;
using Hass.Torch.Data;
using Hass.Torch.Models;
using Hass.Torch.Pruning;
using Hass.Torch.Training;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace Hass.Torch.Evaluation;

/// <summary>
/// The TorchSharp trial evaluator factory (component "torch" of kind Evaluator): models from the
/// <see cref="ModelCatalog"/>, pruning criteria from every registered <see cref="IPruningCriterion"/>.
/// </summary>
public sealed class TorchTrialEvaluatorFactory(ModelCatalog models, IEnumerable<IPruningCriterion> criteria) : ITrialEvaluatorFactory
{
    public const string ComponentName = "torch";
    public const string ComponentDescription = "Evaluates pruned TorchSharp models: top-1 on the held-out search split (or the test set) and the fpgaConvNet sparsity profile over calibration images";
    private readonly IReadOnlyList<IPruningCriterion> _criteria = criteria.ToList();

    public string Name => ComponentName;
    public string Description => ComponentDescription;

    public bool Supports(string model) => models.IsKnown(model);

    public ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null) => CreateEvaluator(spec, progress);

    public bool CanSearchOnTestSet => true;

    /// <summary>
    /// The search split is the last <see cref="DataSplits.SearchSplitImages"/> images held out of training, or as
    /// many as <c>searchImages</c> asks for beyond that; the confirmation split is the rest of the model's held-out
    /// images (none for models from a source such as ONNX).
    /// </summary>
    public IReadOnlyList<SettingProblem> Validate(EvaluatorSpec spec)
    {
        var problems = new List<SettingProblem>();
        var heldOut = models.Registered(spec.Model) is { } provider ? TorchTrialEvaluator.HeldOutOf(provider) : DataSplits.DefaultHeldOut;
        var searchSplit = TorchTrialEvaluator.SearchSplitImagesOf(spec);
        var mostSearchImages = Math.Max(heldOut, DataSplits.SearchSplitImages);
        if (spec.SearchImages > mostSearchImages)
            problems.Add(new("searchImages", $"must be at most {mostSearchImages}, the images {spec.Model} holds out of training (got {spec.SearchImages})"));
        var confirmation = DataSplits.ConfirmationImagesOf(heldOut, searchSplit);
        if (spec.ConfirmImages > confirmation)
            problems.Add(new("confirmImages", $"must be at most {confirmation}, the images of {spec.Model}'s confirmation split ({heldOut} held out of training, " +
                $"{heldOut - confirmation} of them the search split{(searchSplit > DataSplits.SearchSplitImages ? " (dataset.searchImages)" : "")}) (got {spec.ConfirmImages})" +
                (confirmation == 0 ? "; leave it out: the final picks then keep final.pickMargin on the search split" : "")));
        return problems;
    }

    /// <summary>The graph of a freshly built network: shapes and layers do not depend on weights or data.</summary>
    public NetworkGraph? DescribeGraph(string model)
    {
        using var net = models.Resolve(model).Build(0);
        return net.ToGraph();
    }

    /// <summary>The concrete evaluator; <paramref name="cache"/> overrides the checkpoint cache folder.</summary>
    public TorchTrialEvaluator CreateEvaluator(EvaluatorSpec spec, IProgress<string>? progress = null, string? cache = null)
    {
        TorchRuntime.EnsureConfigured();   // HASS_TORCH_THREADS, default 1, unless a command set it
        var provider = models.Resolve(spec.Model);
        var criterion = _criteria.FirstOrDefault(c => c.Name == spec.Pruning)
            ?? throw new ModelException($"unknown pruning criterion '{spec.Pruning}'. Known: {string.Join(", ", _criteria.Select(c => c.Name).Order(StringComparer.Ordinal).DefaultIfEmpty("none"))} (is the Hass.Pruning.Threshold plugin loaded?)");
        var datasetName = spec.Dataset == "fashion-mnist" && provider.Info.DefaultDataset != "fashion-mnist" ? provider.Info.DefaultDataset : spec.Dataset;
        progress?.Report($"opening {datasetName}");
        _ = Normalisation.For(provider.Info, spec.Preprocess);   // checks the preprocessing's channels before the dataset is opened
        var dataset = Datasets.Open(datasetName, spec.DatasetPath, provider.Info.InputShape, spec.Preprocess?.Resize);
        var loaded = ModelCatalog.Load(provider, spec.Checkpoint, new CheckpointStore(cache), dataset);
        progress?.Report($"{provider.Name}: weights from {loaded.WeightsSource}");
        return new TorchTrialEvaluator(loaded, criterion, spec, dataset);
    }
}

/// <summary>
/// One model + data + criterion, ready to score parameter sets. Holds the network as the accelerator runs it
/// (BN folded, 16-bit fixed point by default); each evaluation prunes it in place and reverts it exactly.
/// </summary>
public sealed class TorchTrialEvaluator : ITrialEvaluator
{
    private readonly HassNet _net;
    private readonly IPruningSession _pruning;
    private readonly DataSplits _splits;
    private readonly Normalisation _normalisation;
    private readonly EvaluatorSpec _spec;
    /// <summary>The unpruned network's hits per split name, for paired evaluations (the split's images never change).</summary>
    private readonly Dictionary<string, bool[]> _defaultHits = [];
    private OutputCorrection? _outputCorrection;

    public TorchTrialEvaluator(LoadedModel model, IPruningCriterion criterion, EvaluatorSpec spec, LabelledDataset dataset)
    {
        if (spec.SearchImages <= 0) throw new ArgumentException($"searchImages must be > 0 (got {spec.SearchImages})");
        if (spec.CalibrationImages <= 0) throw new ArgumentException($"calibrationImages must be > 0 (got {spec.CalibrationImages})");
        _spec = spec;
        _splits = new DataSplits(dataset, HeldOutOf(model.Provider), SearchSplitImagesOf(spec));
        if (spec.SearchImages > _splits.SearchSplit.Count)
            throw new ArgumentException($"searchImages = {spec.SearchImages} exceeds the {_splits.SearchSplit.Count} images of the search split");
        if (spec.ConfirmImages is { } confirm && confirm > _splits.ConfirmationSplit.Count)
            throw new ArgumentException($"dataset.confirmImages = {confirm} exceeds the {_splits.ConfirmationSplit.Count} images of {model.Provider.Name}'s confirmation split " +
                $"({_splits.HeldOut.Count} held out of training, {_splits.SearchSplit.Count} of them the search split): give at most {_splits.ConfirmationSplit.Count}" +
                (_splits.ConfirmationSplit.Count == 0 ? ", or leave it out (the final picks then keep final.pickMargin on the search split)" : ""));
        _normalisation = Normalisation.For(model.Provider.Info, spec.Preprocess);
        var quantisation = spec.FixedPoint16 ? spec.Quantisation : null;
        _net = TrialNetwork.Prepare(model.Net, spec.FixedPoint16, quantisation?.WeightBits ?? 16);
        model.Net.Dispose();
        if (quantisation is { ActivationBits: < 16 } narrow) CalibrateActivations(narrow.ActivationBits, spec.CalibrationImages);
        _pruning = criterion.Attach(_net, spec.PruningSettings);
        Graph = _net.ToGraph();
        SearchSpace = _pruning.SearchSpace;
        Model = model;
        Fingerprint = Hashing.Sha256Hex(HassJson.Serialize(new
        {
            Weights = model.WeightsHash, Model = model.Provider.Name, Dataset = dataset.Identity, DataSplits.SplitSeed, HeldOut = _splits.HeldOut.Count,
            spec.SearchImages, spec.CalibrationImages, spec.TestImages, spec.FixedPoint16, Criterion = criterion.Name, Settings = _pruning.SettingsKey,
            Version = EvaluatorVersion,
        }) + (spec.Preprocess is { } preprocess ? " preprocess " + preprocess : "") + (quantisation is { IsDefault: false } q ? " quantisation " + q : "")
          + (spec.SearchOnTestSet ? " search on the test set" : ""));
        FingerprintParts = new Dictionary<string, string>
        {
            ["model"] = model.Provider.Name, ["checkpoint"] = model.WeightsHash, ["dataset"] = dataset.Identity,
            ["pruning"] = $"{criterion.Name} {_pruning.SettingsKey}", ["evaluator"] = Fingerprint,
        };
    }

    public IReadOnlyDictionary<string, string> FingerprintParts { get; }

    /// <summary>
    /// Images held out of training for <paramref name="provider"/>: its training recipe's count (HASS trained it
    /// without them), else <see cref="DataSplits.DefaultHeldOut"/> (weights from elsewhere; only a search split).
    /// </summary>
    public static int HeldOutOf(IModelProvider provider) => provider.Info.Training?.HeldOut ?? DataSplits.DefaultHeldOut;

    /// <summary>Size of the search split a campaign asks for: the default 2,000, or its searchImages when larger.</summary>
    public static int SearchSplitImagesOf(EvaluatorSpec spec) => Math.Max(DataSplits.SearchSplitImages, spec.SearchImages);

    public int ConfirmationImages => Math.Min(_spec.ConfirmImages ?? int.MaxValue, _splits.ConfirmationSplit.Count);

    /// <summary>Bumped when evaluation results change for equal inputs.</summary>
    public const int EvaluatorVersion = 1;

    public LoadedModel Model { get; }
    public HassNet Network => _net;
    public DataSplits Splits => _splits;
    /// <summary>The input normalisation the evaluation uses (the model's, or the spec's preprocessing).</summary>
    public Normalisation Normalisation => _normalisation;
    public NetworkGraph Graph { get; }
    public string Fingerprint { get; }
    public SearchSpace SearchSpace { get; }

    private ImageSet Images(string split) => MirroredSplits.TryStrip(split, out var unmirrored)
        ? MirroredImageSource.Interleaved(UnmirroredImages(unmirrored), split)
        : UnmirroredImages(split);

    /// <summary>"search", "test", and with a confirmation split "confirmation" and its parts; each also with its mirror images.</summary>
    public bool HasSplit(string split) => SplitNames.Known(split, ConfirmationImages);

    private ImageSet UnmirroredImages(string split) => split switch
    {
        "search" => _spec.SearchOnTestSet ? TestImages() : _splits.Search(_spec.SearchImages),
        "test" => TestImages(),
        "confirmation" when ConfirmationImages > 0 => _splits.Confirmation(ConfirmationImages),
        _ when ConfirmationParts.TryResolve(split, ConfirmationImages, out var start, out var count) =>
            _splits.Confirmation(ConfirmationImages).Slice(start, count, split),
        _ => throw new ArgumentException($"unknown split '{split}': use \"search\", \"test\" or with a confirmation split \"confirmation\" (or its parts {ConfirmationParts.Usage}), each optionally followed by \"{MirroredSplits.Suffix}\""),
    };

    private ImageSet TestImages() => _spec.TestImages is { } n ? _splits.Test.Take(Math.Min(n, _splits.Test.Count)) : _splits.Test;

    /// <summary>One pass of the pruned (and corrected) network over a split with any <see cref="PassOptions"/>, e.g. per-image margins for a bench.</summary>
    public PassResult Pass(ParameterSet parameters, string split, PassOptions options, CancellationToken cancellationToken = default)
    {
        var images = Images(split);
        return WithPruned(parameters, net => ModelEvaluator.Run(net, images, _normalisation, options, cancellationToken));
    }

    /// <summary>
    /// Runs <paramref name="body"/> on the network pruned (and corrected) for <paramref name="parameters"/>, then restores it. Reverting
    /// restores only what pruning and the correction changed: a body that changes other weights must put them back itself.
    /// </summary>
    public T WithPruned<T>(ParameterSet parameters, Func<HassNet, T> body)
    {
        var correction = OutputCorrectionIfAsked();
        using var pruned = _pruning.Apply(parameters);
        using var corrected = correction?.Apply(_net);
        return body(_net);
    }

    /// <summary>The images a split name stands for (<see cref="Evaluate"/>'s names).</summary>
    public ImageSet ImagesOf(string split) => Images(split);

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var images = Images(request.Split);
        var reference = request.PairWithDefaults ? DefaultHits(request.Split, images, cancellationToken) : null;
        var (accuracy, profile) = WithPruned(parameters, net =>
        {
            var accuracy = ModelEvaluator.Run(net, images, _normalisation, new PassOptions
            {
                EarlyStopDrop = request.EarlyStopDrop, BaselineTop1 = request.BaselineTop1, Reference = reference,
            }, cancellationToken);
            var profile = request.Profile && !accuracy.StoppedEarly
                ? ModelEvaluator.Run(net, _splits.Calibration(_spec.CalibrationImages), _normalisation, new PassOptions { Profile = true }, cancellationToken)
                : null;
            return (accuracy, profile);
        });
        return new EvaluationOutcome
        {
            Top1 = accuracy.Top1,
            Images = accuracy.Images,
            StoppedEarly = accuracy.StoppedEarly,
            Profile = profile?.Profile,
            WeightSparsity = accuracy.WeightSparsity,
            ActivationSparsity = profile?.ActivationSparsity ?? 0,
            EffectiveSparsity = profile?.EffectiveSparsity ?? 0,
            EvaluationTime = accuracy.Elapsed,
            ProfileTime = profile?.Elapsed ?? TimeSpan.Zero,
            LostImages = accuracy.Lost,
            GainedImages = accuracy.Gained,
            SoftTop1 = accuracy.SoftTop1,
        };
    }

    private bool[] DefaultHits(string split, ImageSet images, CancellationToken cancellationToken)
    {
        if (_defaultHits.TryGetValue(split, out var hits)) return hits;
        using var unpruned = _pruning.Apply(SearchSpace.Defaults());
        hits = ModelEvaluator.Run(_net, images, _normalisation, new PassOptions { RecordHits = true }, cancellationToken).Hits!;
        _defaultHits[split] = hits;
        return hits;
    }

    public DeployableNetwork Export(ParameterSet parameters)
    {
        var (tensors, thresholds) = WithPruned(parameters, net =>
        {
            using var _ = no_grad();
            using var scope = NewDisposeScope();   // keeps the contiguous copies alive while they are read (see ActivationSite.forward)
            return (net.WeightNodes.Select(n => new LayerTensors(n.Name,
                    n.Weight.contiguous().data<float>().ToArray(),
                    n.BiasTensor?.contiguous().data<float>().ToArray())).ToList(),
                net.ActivationNodes.Where(n => n.Site.Thresholdable).ToDictionary(n => n.Name, n => n.Site.Threshold));
        });
        var formats = _spec.FixedPoint16 && _spec.Quantisation is { IsDefault: false } q
            ? new FixedPointFormats(q.ActivationBits, q.WeightBits,
                _net.NarrowActivations?.FractionBits ?? _net.Nodes.ToDictionary(n => n.Name, _ => FixedPoint.ActivationFractionBits))
            : null;
        return new DeployableNetwork(Graph, tensors, thresholds, formats);
    }

    /// <summary>
    /// With a criterion that asks for it, the bias (and scale) correction on the calibration images
    /// (<see cref="OutputCorrection.ImagesFor"/>), made on first use: call it before pruning, it measures the unpruned
    /// network. Else null.
    /// </summary>
    private OutputCorrection? OutputCorrectionIfAsked()
    {
        if (!_pruning.CorrectsBias && !_pruning.CorrectsScale && !_pruning.ReconstructsWeights) return null;
        return _outputCorrection ??= new OutputCorrection(_net,
            CalibrationBatch(Math.Min(OutputCorrection.ImagesFor(_net, _spec.CalibrationImages), _splits.Train.Count)), _pruning.CorrectsScale,
            _pruning.ReconstructsWeights);
    }

    /// <summary>The first <paramref name="count"/> calibration images as one normalised batch (not yet rounded to fixed point).</summary>
    private Tensor CalibrationBatch(int count)
    {
        var (images, labels) = _splits.Calibration(count).NormalisedBatch(0, count, _normalisation);
        labels.Dispose();
        return images;
    }

    /// <summary>Per-node 8-bit activation formats from the ranges on (at most 256 of) the calibration images.</summary>
    private void CalibrateActivations(int bits, int images)
    {
        using var scope = NewDisposeScope();
        int count = Math.Min(Math.Min(images, 256), _splits.Train.Count);
        _net.NarrowActivations = ActivationFormats.Calibrate(_net, bits, CalibrationBatch(count));
    }

    public float[] CalibrationImages(int count)
    {
        if (count <= 0 || count > _splits.Train.Count) throw new ArgumentOutOfRangeException(nameof(count), count, $"ask for 1..{_splits.Train.Count} calibration images");
        using var scope = NewDisposeScope();
        var images = CalibrationBatch(count);
        if (_spec.FixedPoint16)
            images = _net.NarrowActivations is { } narrow ? narrow.Quantise(_net.Nodes[0], images) : FixedPoint.QuantiseActivations(images);
        return images.contiguous().data<float>().ToArray();
    }

    public void Dispose()
    {
        _outputCorrection?.Dispose();
        _net.Dispose();
    }
}

/// <summary>DI registration of the TorchSharp evaluator.</summary>
public static class HassTorchServiceCollectionExtensions
{
    public static IServiceCollection AddHassTorch(this IServiceCollection services)
    {
        services.AddSingleton<ModelCatalog>();
        return services.AddHassComponent<ITrialEvaluatorFactory, TorchTrialEvaluatorFactory>(ComponentKind.Evaluator,
            TorchTrialEvaluatorFactory.ComponentName, TorchTrialEvaluatorFactory.ComponentDescription);
    }
}

/// <summary>Host plugin entry: the TorchSharp evaluator ("torch"), listed by `hass plugins` like any other component.</summary>
public sealed class TorchEvaluatorPlugin : IHassPlugin
{
    public void ConfigureServices(IServiceCollection services) => services.AddHassTorch();
}
