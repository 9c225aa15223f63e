using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Torch.Evaluation;

namespace Hass.Bench.Confirmation;

/// <summary>A stored trial re-scored on the final pick's images (counted and smoothed drop) and on the test set.</summary>
public sealed record SmoothedCandidate(string Store, string Campaign, int Trial, double Throughput, double Counted, double Smoothed, double Test);

/// <summary>
/// Would a final pick that judges each finalist by its smoothed drop, turned into a counted drop by a line fitted over all the
/// finalists' counted drops on the same images, choose faster designs at the same test-set risk than the count alone? Re-scores each
/// campaign's fastest trials on the confirmation images the final pick uses and on the test set, then applies both rules.
/// </summary>
public static class SmoothedPick
{
    public static readonly double[] Limits = [0.6, 0.7, 0.8];

    public static IEnumerable<SmoothedCandidate> Score(string path, int count, double over, TextWriter progress, CancellationToken ct) =>
        StoredCampaigns.SelectMany(path, stored =>
        {
            var (spec, evaluator) = (stored.Campaign.Spec, stored.Evaluator);
            var finalPart = IncumbentConfirmation.FinalPart(IncumbentConfirmation.SearchPartImages(spec, evaluator));
            var dense = evaluator.SearchSpace.Defaults();
            var (denseFinal, denseTest) = (Pass(evaluator, dense, finalPart, ct), Pass(evaluator, dense, "test", ct));
            var scored = new List<SmoothedCandidate>();
            foreach (var trial in StoredTrials.Fastest(stored.Trials, over).Take(count))
            {
                var (final, test) = (Pass(evaluator, trial.Parameters, finalPart, ct), Pass(evaluator, trial.Parameters, "test", ct));
                var candidate = new SmoothedCandidate(Path.GetFileNameWithoutExtension(path), stored.Campaign.Name, trial.Number, Objective.Throughput(trial),
                    denseFinal.Top1 - final.Top1, denseFinal.SoftTop1 - final.SoftTop1, denseTest.Top1 - test.Top1);
                progress.WriteLine(FormattableString.Invariant($"{candidate.Store} {candidate.Campaign} trial {candidate.Trial}: {candidate.Throughput:F1} img/s, final images {candidate.Counted:F2} counted / {candidate.Smoothed:F2} smoothed, test {candidate.Test:F2}"));
                scored.Add(candidate);
            }
            return scored;
        });

    private static PassResult Pass(TorchTrialEvaluator evaluator, ParameterSet parameters, string split, CancellationToken ct) =>
        evaluator.Pass(parameters, split, new PassOptions(), ct);

    /// <summary>The fastest candidate whose counted drop is within <paramref name="limit"/>.</summary>
    public static SmoothedCandidate? CountedPick(IReadOnlyList<SmoothedCandidate> group, double limit) =>
        group.OrderByDescending(c => c.Throughput).FirstOrDefault(c => c.Counted <= limit);

    /// <summary>The fastest candidate whose counted drop predicted from its smoothed drop (the group's least-squares line) is within <paramref name="limit"/>.</summary>
    public static SmoothedCandidate? SmoothedPickOf(IReadOnlyList<SmoothedCandidate> group, double limit) => SmoothedPickOf(group, LineOf(group), limit);

    private static SmoothedCandidate? SmoothedPickOf(IReadOnlyList<SmoothedCandidate> group, (double Intercept, double Slope) line, double limit) =>
        group.OrderByDescending(c => c.Throughput).FirstOrDefault(c => line.Intercept + line.Slope * c.Smoothed <= limit);

    /// <summary>The least-squares line from the candidates' smoothed drops to their counted drops on the same images.</summary>
    public static (double Intercept, double Slope) LineOf(IReadOnlyList<SmoothedCandidate> group) =>
        Statistics.Line(group.Select(c => (c.Smoothed, c.Counted)).ToList());

    public static string Render(IReadOnlyList<SmoothedCandidate> candidates)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("| store | campaign | candidates | counted ≤ 0.6 (test drop) |");
        foreach (var limit in Limits) text.Append(inv, $" smoothed line ≤ {limit:F1} |");
        text.AppendLine(" test ≤ 1 | SD of test − counted | SD of test − line |");
        text.Append("|---|---|---|---|").Append(string.Concat(Limits.Select(_ => "---|"))).AppendLine("---|---|---|");
        foreach (var group in candidates.GroupBy(c => (c.Store, c.Campaign)).Select(g => g.ToList()))
        {
            var line = LineOf(group);
            text.Append(inv, $"| {group[0].Store} | {group[0].Campaign} | {group.Count} | {Cell(CountedPick(group, 0.6))} |");
            foreach (var limit in Limits) text.Append(inv, $" {Cell(SmoothedPickOf(group, line, limit))} |");
            var best = group.OrderByDescending(c => c.Throughput).FirstOrDefault(c => c.Test <= 1.0);
            text.AppendLine(inv, $" {Cell(best)} | {Sd(group.Select(c => c.Test - c.Counted))} | {Sd(group.Select(c => c.Test - line.Intercept - line.Slope * c.Smoothed))} |");
        }
        return text.ToString();
    }

    private static string Cell(SmoothedCandidate? pick) =>
        pick is null ? "none" : FormattableString.Invariant($"{pick.Throughput:F1} ({pick.Test:F2})");

    private static string Sd(IEnumerable<double> values)
    {
        var list = values.ToList();
        return FormattableString.Invariant($"{MarginStatistics.PopulationSd(list):F3} (mean {list.Average():+0.00;-0.00})");
    }
}
