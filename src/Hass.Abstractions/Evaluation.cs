namespace Hass.Abstractions;

/// <summary>What the engine asks of one trial's network side (implemented with TorchSharp in Hass.Torch).</summary>
public sealed record EvaluationRequest
{
    /// <summary>
    /// "search" during the search; "confirmation" to re-score a campaign's finalists on held-out images the search
    /// never saw (<see cref="ITrialEvaluator.ConfirmationImages"/>); "test" for final reporting. With confirmed incumbents
    /// (final.confirmIncumbents) the confirmation split is used in two disjoint parts (<see cref="ConfirmationParts"/>),
    /// "confirmation:first-N" during the search and "confirmation:after-N" for the finalists, so the final pick is scored on
    /// images no selection has seen (with final.secondLookImages, "confirmation:range-S-N" between them); an evaluator that does not
    /// know them makes the engine run without confirmed incumbents (or without the second look). The Torch evaluator also takes
    /// any of these names followed by "+mirrors" (<see cref="MirroredSplits"/>: the images and their mirror images), which the engine
    /// asks for with final.mirrorConfirmations. The engine asks only for splits <see cref="ITrialEvaluator.HasSplit"/> says the
    /// evaluator has.
    /// </summary>
    public string Split { get; init; } = "search";
    /// <summary>Accuracy drop (top-1 points) below the baseline after which evaluation may stop early; NaN = never.</summary>
    public double EarlyStopDrop { get; init; } = double.NaN;
    /// <summary>Baseline top-1 (percent) the early stop compares against.</summary>
    public double BaselineTop1 { get; init; } = double.NaN;
    /// <summary>The unpruned network's <see cref="EvaluationOutcome.SoftTop1"/> on the same split: the trial's smoothed drop is measured from it; NaN = unknown.</summary>
    public double BaselineSoftTop1 { get; init; } = double.NaN;
    /// <summary>Compute the sparsity profile in the same pass.</summary>
    public bool Profile { get; init; } = true;
    /// <summary>
    /// Compare image by image with the unpruned network (the search space's defaults) on the same images: the outcome's
    /// <see cref="EvaluationOutcome.LostImages"/> and <see cref="EvaluationOutcome.GainedImages"/>, which give the drop's own
    /// standard error (<see cref="PairedDrop"/>). An evaluator that cannot leaves them null.
    /// </summary>
    public bool PairWithDefaults { get; init; }
}

public sealed record EvaluationOutcome
{
    /// <summary>Top-1 accuracy in percent on the images evaluated.</summary>
    public required double Top1 { get; init; }
    public required int Images { get; init; }
    /// <summary>True when evaluation stopped early because accuracy was already out of tolerance.</summary>
    public bool StoppedEarly { get; init; }
    public SparsityProfile? Profile { get; init; }
    public double WeightSparsity { get; init; }
    public double ActivationSparsity { get; init; }
    public double EffectiveSparsity { get; init; }
    public TimeSpan EvaluationTime { get; init; }
    public TimeSpan ProfileTime { get; init; }
    /// <summary>With <see cref="EvaluationRequest.PairWithDefaults"/>: images the unpruned network gets right and this one wrong; else null.</summary>
    public int? LostImages { get; init; }
    /// <summary>With <see cref="EvaluationRequest.PairWithDefaults"/>: images the unpruned network gets wrong and this one right; else null.</summary>
    public int? GainedImages { get; init; }
    /// <summary>
    /// Smoothed top-1, percent: the mean over the images of σ(true-class logit − largest other logit). Unlike the count it moves with
    /// every image, so differences between networks are far less noisy; null when the evaluator does not compute it.
    /// </summary>
    public double? SoftTop1 { get; init; }
}

/// <summary>Identifies the network side of a campaign: model, checkpoint, data and pruning criterion.</summary>
public sealed record EvaluatorSpec
{
    public required string Model { get; init; }
    public string? Checkpoint { get; init; }
    public string Dataset { get; init; } = "fashion-mnist";
    public string? DatasetPath { get; init; }
    public int SearchImages { get; init; } = 2000;
    public int CalibrationImages { get; init; } = 1000;
    public int? TestImages { get; init; }
    /// <summary>Images of the confirmation split used to confirm the final picks (null: all it holds).</summary>
    public int? ConfirmImages { get; init; }
    /// <summary>
    /// The "search" split is the test set: the search and the picks see the images the final table reports. Only to bound
    /// what a search could reach with a perfect accuracy instrument (the oracle ceiling); its figures are not held-out results.
    /// </summary>
    public bool SearchOnTestSet { get; init; }
    public required string Pruning { get; init; }
    public System.Text.Json.JsonElement PruningSettings { get; init; }
    public bool FixedPoint16 { get; init; } = true;
    public int Seed { get; init; }
    /// <summary>The network's input preprocessing when not the model's default (null: the model's own).</summary>
    public PreprocessSpec? Preprocess { get; init; }
    /// <summary>Activation and weight widths with fixed point on (null: 16/16).</summary>
    public QuantisationSpec? Quantisation { get; init; }
}

/// <summary>A loaded model + data + criterion, ready to evaluate parameter sets.</summary>
public interface ITrialEvaluator : IDisposable
{
    NetworkGraph Graph { get; }
    /// <summary>Hash of model weights + dataset + criterion: the evaluation cache key prefix.</summary>
    string Fingerprint { get; }
    /// <summary>
    /// What <see cref="Fingerprint"/> is made of, part by part ("checkpoint", "dataset", …), so that two evaluators
    /// that differ can say where (a distributed campaign refuses a worker whose parts differ from the owner's).
    /// </summary>
    IReadOnlyDictionary<string, string> FingerprintParts => new Dictionary<string, string> { ["evaluator"] = Fingerprint };
    SearchSpace SearchSpace { get; }
    /// <summary>Images the "confirmation" split evaluates: held out of training and disjoint from the search split (0: none).</summary>
    int ConfirmationImages => 0;

    /// <summary>
    /// True when <see cref="Evaluate"/> serves <paramref name="split"/> (an <see cref="EvaluationRequest.Split"/> name); the engine
    /// asks before it uses a split beyond "search" and "test", and runs without what needs a split the evaluator does not have
    /// (confirmed incumbents, the second look, mirror images, confirmed final picks). Default: "search" and "test", and
    /// "confirmation" when <see cref="ConfirmationImages"/> &gt; 0; an evaluator that knows the parts of its confirmation split
    /// (<see cref="ConfirmationParts"/>) or mirror images (<see cref="MirroredSplits"/>) says so here.
    /// </summary>
    bool HasSplit(string split) => SplitNames.Whole(split, ConfirmationImages);

    /// <summary>
    /// Scores <paramref name="parameters"/> (a point of <see cref="SearchSpace"/>) on a split <see cref="HasSplit"/> says it has.
    /// The engine checks the outcome (docs/models.md, "What the engine checks of an evaluation"): one that is no accuracy, or any
    /// exception but <see cref="OperationCanceledException"/> (an ArgumentException included), is a fault of the evaluator.
    /// </summary>
    EvaluationOutcome Evaluate(ParameterSet parameters, EvaluationRequest request, CancellationToken cancellationToken = default);

    /// <summary>
    /// The pruned network as a board runs it: BN folded into conv weights, thresholds per activation layer. Its
    /// <see cref="DeployableNetwork.Graph"/> is <see cref="Graph"/>, with one tensor per Conv and Linear layer of the size the
    /// layer's shape gives (<see cref="LayerTensors"/>), finite weights and thresholds ≥ 0; the engine checks this before the network
    /// is written or sent to a board, and an exception (but <see cref="OperationCanceledException"/>) is a fault of the evaluator.
    /// </summary>
    DeployableNetwork Export(ParameterSet parameters);

    /// <summary>
    /// The first <paramref name="count"/> (≥ 1) calibration images, normalised as the model expects, N×C×H×W row-major: exactly
    /// <paramref name="count"/> × the input layer's shape finite floats, which the engine checks. An ArgumentException refuses a count
    /// the evaluator cannot give (more images than it has); any other exception is a fault of the evaluator.
    /// </summary>
    float[] CalibrationImages(int count);
}

/// <summary>
/// Builds evaluators. Hass.Torch provides the TorchSharp one; a plugin may provide its own. What a factory needs
/// (models, pruning criteria) it takes in its constructor (register it with
/// <c>services.AddHassComponent&lt;ITrialEvaluatorFactory, TFactory&gt;(ComponentKind.Evaluator, name, description)</c>).
/// </summary>
public interface ITrialEvaluatorFactory : IHassComponent
{
    /// <summary>True when this factory can evaluate the named model.</summary>
    bool Supports(string model);
    ITrialEvaluator Create(EvaluatorSpec spec, IProgress<string>? progress = null);

    /// <summary>
    /// Problems of <paramref name="spec"/> this factory can see without loading the model or the data (e.g. more
    /// search images than its held-out split has), checked before a campaign is stored. Keys are the spec's
    /// camelCase property names ("searchImages"). Default: none.
    /// </summary>
    IReadOnlyList<SettingProblem> Validate(EvaluatorSpec spec) => [];

    /// <summary>
    /// True when this factory's evaluators honour <see cref="EvaluatorSpec.SearchOnTestSet"/>. Default false: a campaign
    /// that asks for it is then refused, since an evaluator that ignored it would search on held-out images while the
    /// final table called its figures an oracle bound.
    /// </summary>
    bool CanSearchOnTestSet => false;

    /// <summary>
    /// The model's hardware graph without opening any data or loading weights (what `hass design --model` needs),
    /// or null when this factory can only give it through <see cref="Create"/>.
    /// </summary>
    NetworkGraph? DescribeGraph(string model) => null;
}

/// <summary>Weights of one Conv or Linear layer of the graph. Conv: [F, C/g, kh, kw]; Linear: [out, in] with
/// in in PyTorch flatten order (C, H, W). Values are already quantised when fixed-point emulation is on.</summary>
public sealed record LayerTensors(string Layer, float[] Weights, float[]? Bias);

/// <summary>
/// What a board (or the emulator) needs to run a pruned network: the graph, per-layer tensors, and for each
/// activation layer (ReLU/ReLU6 by graph layer name) the threshold t of y = x if x &gt; t else 0 (ReLU6 keeps its clip).
/// <see cref="Formats"/> is set for narrow (8-bit) evaluations only: the word widths and every layer's activation format.
/// </summary>
public sealed record DeployableNetwork(NetworkGraph Graph, IReadOnlyList<LayerTensors> Tensors, IReadOnlyDictionary<string, double> ActivationThresholds,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] FixedPointFormats? Formats = null);

/// <summary>
/// Narrow fixed point as evaluated: activation and weight widths, and per layer (and "input") the fraction bits F of
/// its output format fixed &lt;ActivationBits, F&gt;. Weights keep their per-tensor format (F from the tensor's largest magnitude).
/// </summary>
public sealed record FixedPointFormats(int ActivationBits, int WeightBits, IReadOnlyDictionary<string, int> ActivationFractionBits);
