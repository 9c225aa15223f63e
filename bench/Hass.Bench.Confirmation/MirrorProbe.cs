using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Torch.Evaluation;

namespace Hass.Bench.Confirmation;

/// <summary>A design's drop (points) on some images, on their mirror images, and how alike the two are image by image.</summary>
public sealed record MirroredDrop(double Images, double Mirrors, double Correlation)
{
    public double Both => (Images + Mirrors) / 2;

    /// <summary>
    /// The drops of a design against the dense network from both networks' hits on a "+mirrors" split (each image followed by its
    /// mirror). The correlation is that of the per-image differences dense − design (−1, 0 or 1) between an image and its mirror
    /// (0 when either side is the same for every image).
    /// </summary>
    public static MirroredDrop Of(bool[] dense, bool[] design)
    {
        int n = dense.Length / 2;
        var (images, mirrors) = (new double[n], new double[n]);
        for (int i = 0; i < n; i++)
            (images[i], mirrors[i]) = (Difference(dense[2 * i], design[2 * i]), Difference(dense[2 * i + 1], design[2 * i + 1]));
        return new(100 * images.Average(), 100 * mirrors.Average(), MarginStatistics.Fit(images, mirrors).Correlation);
    }

    private static double Difference(bool dense, bool design) => (dense ? 1 : 0) - (design ? 1 : 0);
}

/// <summary>A stored trial's drops on the final pick's confirmation images and on the test set, each with their mirrors.</summary>
public sealed record MirroredCandidate(string Store, string Campaign, int Trial, double Throughput, MirroredDrop Final, MirroredDrop Test);

/// <summary>
/// Would counting the final pick's images together with their mirror images judge designs better? Re-scores each campaign's fastest
/// trials on the final pick's confirmation images and the test set, each with mirrors, and compares the pick by the images alone with
/// the pick by images and mirrors.
/// </summary>
public static class MirrorProbe
{
    public static IEnumerable<MirroredCandidate> Score(string path, int count, double over, TextWriter progress, CancellationToken ct) =>
        StoredCampaigns.SelectMany(path, stored =>
        {
            var (spec, evaluator) = (stored.Campaign.Spec, stored.Evaluator);
            var finalPart = IncumbentConfirmation.FinalPart(IncumbentConfirmation.SearchPartImages(spec, evaluator), mirrors: true);
            var test = MirroredSplits.Of("test");
            var dense = evaluator.SearchSpace.Defaults();
            var (denseFinal, denseTest) = (Hits(evaluator, dense, finalPart, ct), Hits(evaluator, dense, test, ct));
            var scored = new List<MirroredCandidate>();
            foreach (var trial in StoredTrials.Fastest(stored.Trials, over).Take(count))
            {
                var candidate = new MirroredCandidate(Path.GetFileNameWithoutExtension(path), stored.Campaign.Name, trial.Number, Objective.Throughput(trial),
                    MirroredDrop.Of(denseFinal, Hits(evaluator, trial.Parameters, finalPart, ct)),
                    MirroredDrop.Of(denseTest, Hits(evaluator, trial.Parameters, test, ct)));
                progress.WriteLine(FormattableString.Invariant(
                    $"{candidate.Store} {candidate.Campaign} trial {candidate.Trial}: {candidate.Throughput:F1} img/s, final {candidate.Final.Images:F2} / mirrors {candidate.Final.Mirrors:F2} (r {candidate.Final.Correlation:F2}), test {candidate.Test.Images:F2} / mirrors {candidate.Test.Mirrors:F2}"));
                scored.Add(candidate);
            }
            return scored;
        });

    private static bool[] Hits(TorchTrialEvaluator evaluator, ParameterSet parameters, string split, CancellationToken ct) =>
        evaluator.Pass(parameters, split, new PassOptions { RecordHits = true }, ct).Hits!;

    public static string Render(IReadOnlyList<MirroredCandidate> candidates, double limit)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(inv, $"| store | campaign | candidates | image–mirror correlation (final images) | mirrors − images, final (mean) | mirrors − images, test (mean) | SD of test − final: images | images and mirrors | pick by images ≤ {limit:F1} (test drop) | pick by images and mirrors ≤ {limit:F1} (test drop) |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var group in candidates.GroupBy(c => (c.Store, c.Campaign)).Select(g => g.ToList()))
            text.AppendLine(inv, $"| {group[0].Store} | {group[0].Campaign} | {Statistics(group)} | {Cell(Pick(group, c => c.Final.Images, limit))} | {Cell(Pick(group, c => c.Final.Both, limit))} |");
        if (candidates.Count > 0) text.AppendLine(inv, $"| all | | {Statistics(candidates)} | | |");
        return text.ToString();
    }

    private static string Statistics(IReadOnlyList<MirroredCandidate> group) => FormattableString.Invariant(
        $"{group.Count} | {group.Average(c => c.Final.Correlation):F2} | {group.Average(c => c.Final.Mirrors - c.Final.Images):+0.00;-0.00} | {group.Average(c => c.Test.Mirrors - c.Test.Images):+0.00;-0.00} | {Sd(group.Select(c => c.Test.Images - c.Final.Images)):F3} | {Sd(group.Select(c => c.Test.Images - c.Final.Both)):F3}");

    private static MirroredCandidate? Pick(IEnumerable<MirroredCandidate> group, Func<MirroredCandidate, double> drop, double limit) =>
        group.OrderByDescending(c => c.Throughput).FirstOrDefault(c => drop(c) <= limit);

    private static string Cell(MirroredCandidate? pick) =>
        pick is null ? "none" : FormattableString.Invariant($"{pick.Throughput:F1} ({pick.Test.Images:F2})");

    private static double Sd(IEnumerable<double> values) => MarginStatistics.PopulationSd(values.ToList());
}
