using System.Diagnostics;
using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Torch.Data;
using Hass.Torch.Evaluation;
using Hass.Torch.Models;
using TorchSharp;
using static TorchSharp.torch;

namespace Hass.Bench.Confirmation;

/// <summary>
/// One trial before and after a short fine-tune that keeps its weight zeros: drops in points, activation sparsity as a fraction, throughput
/// (img/s) the DSE's for the profile before (as stored) and after.
/// </summary>
public sealed record FineTuneScore(string Store, string Campaign, int Trial, double Throughput, double ThroughputAfter, double SearchDrop,
    double FinalDropBefore, double FinalDropAfter, double TestDropBefore, double TestDropAfter,
    double ActivationSparsityBefore, double ActivationSparsityAfter, double Seconds)
{
    /// <summary>The final pick's limit on the confirmation images: tolerance − final.confirmMargin, points.</summary>
    public double PickLimit { get; init; }
}

/// <summary>The fine-tune: AdamW on the training images, the pruned weights' zeros kept after every step, in floating point.</summary>
public sealed record FineTuneRecipe(int Steps, int BatchSize, double LearningRate, int Seed);

/// <summary>
/// How much accuracy a short masked fine-tune gives back to the fastest trials of finished campaigns, and what it does to their activation
/// sparsity and so to their speed: each trial's drop on the final pick's confirmation images and on the test set, its activation sparsity, and
/// the campaign's DSE throughput for its profile, before and after.
/// </summary>
public static class FineTuneProbe
{
    /// <summary>
    /// The rows of every campaign of the store at <paramref name="path"/>. A campaign whose evaluator does not give the stored search-split top-1
    /// (dense, or a trial before tuning) is left out with a line in <paramref name="leftOut"/>: its network is not the one the campaign used.
    /// </summary>
    public static IEnumerable<FineTuneScore> Measure(string path, int count, double over, FineTuneRecipe recipe, TextWriter progress,
        ICollection<string> leftOut, CancellationToken ct) =>
        StoredCampaigns.SelectMany(path, stored =>
        {
            var (campaign, evaluator, trials) = (stored.Campaign, stored.Evaluator, stored.Trials);
            var finalPart = ConfirmationParts.After(IncumbentConfirmation.SearchPartImages(campaign.Spec, evaluator));
            var calibration = evaluator.Splits.Calibration(campaign.Spec.Dataset.CalibrationImages);
            var designer = new CampaignDesigner(campaign.Spec, evaluator.Graph);
            double Top1(ParameterSet p, string split) => stored.Top1(p, split, ct);
            var dense = evaluator.SearchSpace.Defaults();
            var fastest = StoredTrials.Fastest(trials, over).Take(count).ToList();
            if (StoredReproduction.Mismatch(stored, fastest, ct) is { } mismatch)
            {
                var line = $"{Path.GetFileNameWithoutExtension(path)} {campaign.Name}: {mismatch}; left out (run this store again, alone)";
                progress.WriteLine("error: " + line);
                leftOut.Add(line);
                return [];
            }
            var (denseFinal, denseTest) = (Top1(dense, finalPart), Top1(dense, "test"));
            var scores = new List<FineTuneScore>();
            foreach (var trial in fastest)
            {
                var before = evaluator.Evaluate(trial.Parameters, new EvaluationRequest { Split = finalPart, Profile = true }, ct);
                var testBefore = Top1(trial.Parameters, "test");
                if (Math.Abs(designer.Throughput(before.Profile!, ct) / Objective.Throughput(trial) - 1) > 1e-3)
                    progress.WriteLine($"warning: trial {trial.Number}'s design, made again, is not the stored one (another build of the DSE?)");
                var clock = Stopwatch.StartNew();
                var (finalAfter, testAfter, profileAfter) = evaluator.WithPruned(trial.Parameters, net =>
                    Tuned(net, evaluator, recipe, campaign.Spec.Quantisation?.WeightBits ?? 16, ct, n => (
                        ModelEvaluator.Run(n, evaluator.ImagesOf(finalPart), evaluator.Normalisation, new PassOptions(), ct).Top1,
                        ModelEvaluator.Run(n, evaluator.ImagesOf("test"), evaluator.Normalisation, new PassOptions(), ct).Top1,
                        ModelEvaluator.Run(n, calibration, evaluator.Normalisation, new PassOptions { Profile = true }, ct))));
                var score = new FineTuneScore(Path.GetFileNameWithoutExtension(path), campaign.Name, trial.Number, Objective.Throughput(trial),
                    designer.Throughput(profileAfter.Profile!, ct), trial.ConstraintViolation + campaign.Spec.Objective.ToleranceTop1, denseFinal - before.Top1, denseFinal - finalAfter,
                    denseTest - testBefore, denseTest - testAfter, before.ActivationSparsity, profileAfter.ActivationSparsity, clock.Elapsed.TotalSeconds)
                {
                    PickLimit = campaign.Spec.Objective.ToleranceTop1 - campaign.Spec.Final.ConfirmMargin,
                };
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{score.Store} {score.Campaign} trial {score.Trial}: {score.Throughput:F1} -> {score.ThroughputAfter:F1} img/s, final drop {score.FinalDropBefore:F2} -> {score.FinalDropAfter:F2}, test {score.TestDropBefore:F2} -> {score.TestDropAfter:F2}, activation sparsity {score.ActivationSparsityBefore:F3} -> {score.ActivationSparsityAfter:F3} ({score.Seconds:F0} s)"));
                scores.Add(score);
            }
            return scores;
        });

    /// <summary>
    /// Fine-tunes the pruned <paramref name="net"/>, measures it with <paramref name="measure"/> (its weights rounded again to the campaign's
    /// <paramref name="weightBits"/>, as the evaluator prepared them), and puts every weight back.
    /// </summary>
    private static T Tuned<T>(HassNet net, TorchTrialEvaluator evaluator, FineTuneRecipe recipe, int weightBits, CancellationToken ct, Func<HassNet, T> measure)
    {
        var tensors = net.WeightNodes.SelectMany(n => n.BiasTensor is { } b ? new[] { n.Weight, b } : [n.Weight]).ToList();
        var saved = tensors.Select(t => t.detach().clone()).ToList();
        using var zero = 0.0.ToScalar();   // explicit Scalars: see ActivationSite.forward
        var masks = net.WeightNodes.Select(n => (n.Weight, Mask: n.Weight.ne(zero))).ToList();
        var fixedPoint = net.FixedPointActivations;
        try
        {
            net.FixedPointActivations = false;   // rounding has no gradient; the tuned weights are rounded again before measuring
            Train(net, tensors, masks, evaluator.Splits.Train, evaluator.Normalisation, recipe, ct);
            net.FixedPointActivations = fixedPoint;
            net.QuantiseWeights(weightBits);
            return measure(net);
        }
        finally
        {
            net.FixedPointActivations = fixedPoint;
            using (no_grad())
                for (int i = 0; i < tensors.Count; i++) tensors[i].copy_(saved[i]);
            foreach (var t in saved) t.Dispose();
            foreach (var (_, mask) in masks) mask.Dispose();
        }
    }

    private static void Train(HassNet net, List<Tensor> tensors, List<(Tensor Weight, Tensor Mask)> masks, ImageSet train, Normalisation normalisation,
        FineTuneRecipe recipe, CancellationToken ct)
    {
        var rng = new Random(recipe.Seed);
        var parameters = tensors.Select(t => t as TorchSharp.Modules.Parameter ?? throw new InvalidOperationException("a weight is not a parameter")).ToList();
        foreach (var p in parameters) p.requires_grad = true;
        using var optimizer = new Hass.Torch.Training.HeldScalarAdamW(parameters, recipe.LearningRate, weightDecay: 0);
        var order = Enumerable.Range(0, train.Count).ToArray();
        rng.Shuffle(order);
        var shuffled = train.Reordered(order, "fine-tune");
        for (int step = 0; step < recipe.Steps; step++)
        {
            ct.ThrowIfCancellationRequested();
            using var scope = NewDisposeScope();
            int start = step * recipe.BatchSize % Math.Max(1, train.Count - recipe.BatchSize);
            var (pixels, labels) = shuffled.Batch(start, recipe.BatchSize);
            var loss = nn.functional.cross_entropy(net.call(normalisation.Apply(pixels)), labels);
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
            using (no_grad())
                foreach (var (weight, mask) in masks) weight.mul_(mask);
        }
        foreach (var p in parameters) { p.grad?.Dispose(); p.requires_grad = false; }
    }

    public static string Render(IReadOnlyList<FineTuneScore> scores, IReadOnlyCollection<string> leftOut, FineTuneRecipe recipe)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"Fine-tune: {recipe.Steps} steps of {recipe.BatchSize} training images, AdamW lr {recipe.LearningRate}, weight zeros kept.\n");
        text.AppendLine("| store | campaign | trial | img/s before → after | search drop | final-images drop before → after | test drop before → after | activation sparsity before → after | s |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var s in scores)
            text.AppendLine(inv, $"| {s.Store} | {s.Campaign} | {s.Trial} | {s.Throughput:F1} → {s.ThroughputAfter:F1} | {s.SearchDrop:F2} | {s.FinalDropBefore:F2} → {s.FinalDropAfter:F2} | {s.TestDropBefore:F2} → {s.TestDropAfter:F2} | {s.ActivationSparsityBefore:F3} → {s.ActivationSparsityAfter:F3} | {s.Seconds:F0} |");
        text.AppendLine("\nPer campaign, the fastest of these trials within the final pick's limit on the final images, before and after (img/s, the DSE's for each profile):\n");
        text.AppendLine("| store | campaign | limit | before | after |");
        text.AppendLine("|---|---|---|---|---|");
        foreach (var campaign in scores.GroupBy(s => (s.Store, s.Campaign, s.PickLimit)))
            text.AppendLine(inv, $"| {campaign.Key.Store} | {campaign.Key.Campaign} | {campaign.Key.PickLimit:F2} | {Fastest(campaign, s => s.FinalDropBefore, s => s.Throughput)} | {Fastest(campaign, s => s.FinalDropAfter, s => s.ThroughputAfter)} |");
        if (leftOut.Count > 0) text.AppendLine("\nLeft out:\n").AppendJoin("", leftOut.Select(line => $"- {line}\n"));
        return text.ToString();
    }

    private static string Fastest(IEnumerable<FineTuneScore> scores, Func<FineTuneScore, double> drop, Func<FineTuneScore, double> throughput)
    {
        var within = scores.Where(s => AccuracyDrop.Within(drop(s), s.PickLimit)).Select(throughput).ToList();
        return within.Count == 0 ? "none" : within.Max().ToString("F1", CultureInfo.InvariantCulture);
    }

}
