using System.Diagnostics;
using System.Text.Json;
using Hass.Abstractions;

namespace Hass.TestPlugins;

public sealed class SyntheticEvaluatorFactory : ITrialEvaluatorFactory
{
    public const string ModelName = "synthetic-cnn";
    public string Name => "synthetic";
    public string Description => "Test-only evaluator: closed-form accuracy and sparsity of the thresholds";
    public bool Supports(string model) => model == ModelName;

    public ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null)
    {
        if (spec.Model != ModelName) throw new ArgumentException($"synthetic evaluator: unknown model '{spec.Model}'");
        progress?.Report("synthetic model ready");
        return new SyntheticEvaluator(spec);
    }
}

/// <summary>
/// Accuracy = 90 − Σ 2·w² − Σ a² (points); weight sparsity of a layer = min(0.95, 1.6·w); activation
/// sparsity = 0.5 + 0.45·a. Settings (pruning.settings): delayMs (sleep per evaluation, for kill tests),
/// failAbove (throw when any weight threshold is above it), confirmImages (a confirmation split of that many images;
/// default none) and confirmScale (the confirmation split sees the drop times this, default 1.5: the search split
/// under-estimates it, as on the real models). Paired with the unpruned network (EvaluationRequest.PairWithDefaults), a drop d
/// on n images is 2·d·n/100 images lost and d·n/100 gained (rounded): disagreement grows with the drop. A split name with
/// "+mirrors" counts twice its images at the same drop.
/// </summary>
public sealed class SyntheticEvaluator : ITrialEvaluator
{
    private readonly EvaluatorSpec _spec;
    private readonly int _delayMs;
    private readonly double _failAbove = double.PositiveInfinity;
    private readonly double _confirmScale = 1.5;

    public SyntheticEvaluator(EvaluatorSpec spec)
    {
        _spec = spec;
        if (spec.PruningSettings.ValueKind == JsonValueKind.Object)
        {
            if (spec.PruningSettings.TryGetProperty("delayMs", out var d)) _delayMs = d.GetInt32();
            if (spec.PruningSettings.TryGetProperty("failAbove", out var f)) _failAbove = f.GetDouble();
            if (spec.PruningSettings.TryGetProperty("confirmImages", out var c)) ConfirmationImages = c.GetInt32();
            if (spec.PruningSettings.TryGetProperty("confirmScale", out var k)) _confirmScale = k.GetDouble();
        }
        Graph = BuildGraph();
        SearchSpace = new SearchSpace(
        [
            new SearchDimension { Name = "w:features.0", High = 0.5 },
            new SearchDimension { Name = "w:features.2", High = 0.5 },
            new SearchDimension { Name = "w:classifier", High = 0.5 },
            new SearchDimension { Name = "a:features.1", High = 1.0 },
            new SearchDimension { Name = "a:features.3", High = 1.0 },
        ]);
        // A checkpoint (any file) only enters the fingerprint: the distributed tests give a worker a different one.
        var checkpoint = spec.Checkpoint is null ? "" : Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(spec.Checkpoint)));
        Fingerprint = Hashing.Sha256Hex($"synthetic-cnn|{spec.Dataset}|{spec.SearchImages}|{spec.Pruning}" + (checkpoint.Length > 0 ? $"|{checkpoint}" : "")
            + (ConfirmationImages > 0 ? $"|confirm {ConfirmationImages} x{_confirmScale}" : ""));
        FingerprintParts = new Dictionary<string, string>
        {
            ["checkpoint"] = checkpoint.Length > 0 ? checkpoint : "none", ["dataset"] = $"{spec.Dataset} ({spec.SearchImages} search images)",
            ["evaluator"] = Fingerprint,
        };
    }

    public NetworkGraph Graph { get; }
    public string Fingerprint { get; }
    public IReadOnlyDictionary<string, string> FingerprintParts { get; }
    public SearchSpace SearchSpace { get; }
    public int ConfirmationImages { get; }
    public bool HasSplit(string split) => SplitNames.Known(split, ConfirmationImages);

    public static NetworkGraph BuildGraph()
    {
        var s28 = new TensorShape(1, 28, 28);
        var c8 = new TensorShape(8, 28, 28);
        var c16 = new TensorShape(16, 14, 14);
        return new NetworkGraph
        {
            Name = SyntheticEvaluatorFactory.ModelName, Classes = 10,
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = s28, OutputShape = s28 },
                new Layer { Name = "features.0", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = s28, OutputShape = c8, KernelRows = 3, KernelCols = 3, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1 },
                new Layer { Name = "features.1", Kind = LayerKind.ReLU, Inputs = ["features.0"], InputShape = c8, OutputShape = c8 },
                new Layer { Name = "features.2", Kind = LayerKind.Conv, Inputs = ["features.1"], InputShape = c8, OutputShape = c16, KernelRows = 3, KernelCols = 3, StrideRows = 2, StrideCols = 2, PadTop = 1, PadBottom = 1, PadLeft = 1, PadRight = 1 },
                new Layer { Name = "features.3", Kind = LayerKind.ReLU, Inputs = ["features.2"], InputShape = c16, OutputShape = c16 },
                new Layer { Name = "flatten", Kind = LayerKind.Flatten, Inputs = ["features.3"], InputShape = c16, OutputShape = new TensorShape(16 * 14 * 14, 1, 1) },
                new Layer { Name = "classifier", Kind = LayerKind.Linear, Inputs = ["flatten"], InputShape = new TensorShape(16 * 14 * 14, 1, 1), OutputShape = new TensorShape(10, 1, 1), HasBias = true },
            ],
        };
    }

    public const double BaselineTop1 = 90.0;
    /// <summary>The unpruned point's smoothed top-1; a pruned point's smoothed drop is <see cref="SmoothedShare"/> of its counted drop.</summary>
    public const double BaselineSoftTop1 = 80.0;
    public const double SmoothedShare = 0.8;

    public static double Accuracy(ParameterSet p) =>
        BaselineTop1 - p.Values.Where(kv => kv.Key.StartsWith("w:", StringComparison.Ordinal)).Sum(kv => 2 * kv.Value * kv.Value)
                     - p.Values.Where(kv => kv.Key.StartsWith("a:", StringComparison.Ordinal)).Sum(kv => kv.Value * kv.Value);

    public EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default)
    {
        var watch = Stopwatch.StartNew();
        if (!SearchSpace.Contains(parameters))
            throw new ArgumentException($"synthetic evaluator: parameters outside the search space: {parameters.QuantisedKey()}");
        if (parameters.Values.Where(kv => kv.Key.StartsWith("w:", StringComparison.Ordinal)).Any(kv => kv.Value > _failAbove))
            throw new InvalidOperationException($"synthetic failure: a weight threshold is above failAbove={_failAbove}");
        if (_delayMs > 0) Task.Delay(_delayMs, cancellationToken).GetAwaiter().GetResult();
        cancellationToken.ThrowIfCancellationRequested();

        var top1 = Accuracy(parameters);
        var mirrored = MirroredSplits.TryStrip(request.Split, out var split);
        var confirmation = split.StartsWith("confirmation", StringComparison.Ordinal);
        if (confirmation)
        {
            if (ConfirmationImages == 0) throw new ArgumentException("synthetic evaluator: no confirmation split (set pruning.settings.confirmImages)");
            top1 = BaselineTop1 - _confirmScale * (BaselineTop1 - top1);
        }
        var images = (mirrored ? 2 : 1) * split switch
        {
            "test" => _spec.TestImages ?? 10000, "confirmation" => ConfirmationImages,
            _ when ConfirmationParts.TryResolve(split, ConfirmationImages, out _, out var count) => count,
            _ => _spec.SearchImages,
        };
        var stopped = !double.IsNaN(request.EarlyStopDrop) && !double.IsNaN(request.BaselineTop1) && request.BaselineTop1 - top1 > request.EarlyStopDrop;
        if (stopped) images = Math.Max(1, images / 4);

        double W(string layer) => Math.Min(0.95, 1.6 * parameters.Values.GetValueOrDefault("w:" + layer));
        double A(string layer) => 0.5 + 0.45 * parameters.Values.GetValueOrDefault("a:" + layer);
        var layers = new List<LayerSparsity>
        {
            Sparsity(Graph["features.0"], W("features.0"), 0.0),
            Sparsity(Graph["features.2"], W("features.2"), A("features.1")),
            Sparsity(Graph["classifier"], W("classifier"), A("features.3")),
        };
        var profile = request.Profile && !stopped ? new SparsityProfile { Model = Graph.Name, Images = images, Layers = layers } : null;
        var weightSparsity = layers.Average(l => 1 - l.WeightDensity);
        var activationSparsity = layers.Average(l => 1 - l.ActivationDensity);
        var net = (int)Math.Round((BaselineTop1 - top1) * images / 100);
        return new EvaluationOutcome
        {
            Top1 = top1, Images = images, StoppedEarly = stopped, Profile = profile,
            LostImages = request.PairWithDefaults ? 2 * net : null, GainedImages = request.PairWithDefaults ? net : null,
            WeightSparsity = weightSparsity, ActivationSparsity = activationSparsity,
            EffectiveSparsity = new SparsityProfile { Layers = layers }.EffectiveSparsity(Graph),
            EvaluationTime = watch.Elapsed, SoftTop1 = BaselineSoftTop1 - SmoothedShare * (BaselineTop1 - top1),
        };
    }

    private static LayerSparsity Sparsity(Layer layer, double weightSparsity, double activationSparsity)
    {
        var p = 1 - (1 - weightSparsity) * (1 - activationSparsity);
        var k = layer.Kind == LayerKind.Conv ? layer.KernelSize : 1;
        var row = new double[k + 1];
        for (int z = 0; z <= k; z++) row[z] = Binomial(k, z) * Math.Pow(p, z) * Math.Pow(1 - p, k - z);
        var channels = layer.InputShape.Channels;
        return new LayerSparsity
        {
            Layer = layer.Name, KernelSize = k, Histogram = Enumerable.Range(0, channels).Select(_ => (double[])row.Clone()).ToArray(),
            WeightDensity = 1 - weightSparsity, ActivationDensity = 1 - activationSparsity, EffectiveSparsity = p,
        };
    }

    private static double Binomial(int n, int k)
    {
        double r = 1;
        for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
        return r;
    }

    public DeployableNetwork Export(ParameterSet parameters)
    {
        var tensors = Graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear)
            .Select(l => new LayerTensors(l.Name, new float[l.Parameters - (l.HasBias ? l.Filters : 0)], l.HasBias ? new float[l.Filters] : null))
            .ToList();
        var thresholds = parameters.Values.Where(kv => kv.Key.StartsWith("a:", StringComparison.Ordinal)).ToDictionary(kv => kv.Key[2..], kv => kv.Value);
        return new DeployableNetwork(Graph, tensors, thresholds);
    }

    public float[] CalibrationImages(int count) => new float[count * 28 * 28];

    public void Dispose() { }
}
