using System.Text;

namespace Hass.Bench.Confirmation;

/// <summary>The finalists' drops per split and, per estimator, how far the test-set drop lies from it.</summary>
public static class ScoreTable
{
    public static string Render(IReadOnlyList<FinalistScore> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("Finalists re-scored on every split.").AppendLine();
        sb.AppendLine($"| store | campaign | trial | img/s | drop search | drop confirmation | drop pooled | drop confirmation first part | drop confirmation rest | drop test |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var r in rows)
            sb.AppendLine($"| {r.Store} | {r.Campaign} | {r.Trial} | {r.Throughput:F1} | {r.Search:F2} | {r.Confirmation:F2} | {r.Pooled:F2} | {r.ConfirmationFirstPart:F2} | {r.ConfirmationRest:F2} | {r.Test:F2} |");
        sb.AppendLine().AppendLine("| estimator of the test drop | mean (test − estimate) | SD | max |").AppendLine("|---|---|---|---|");
        foreach (var (name, estimate) in new (string, Func<FinalistScore, double>)[]
                 {
                     ("search split", r => r.Search), ("confirmation split", r => r.Confirmation), ("pooled", r => r.Pooled),
                     ("confirmation first part (final.incumbentImages)", r => r.ConfirmationFirstPart), ("confirmation rest", r => r.ConfirmationRest),
                 })
        {
            var gaps = rows.Select(r => r.Test - estimate(r)).ToList();
            if (gaps.Count == 0) continue;
            var mean = gaps.Average();
            var sd = gaps.Count > 1 ? Math.Sqrt(gaps.Sum(g => (g - mean) * (g - mean)) / (gaps.Count - 1)) : double.NaN;
            sb.AppendLine($"| {name} | {mean:F2} | {sd:F2} | {gaps.Max():F2} |");
        }
        RenderPickRule(sb, rows);
        return sb.ToString();
    }

    /// <summary>
    /// Per campaign with a final table: the fastest scored trial that the final pick's rule accepts (drop on the confirmation split's rest
    /// within tolerance − confirmMargin), against the campaign's own pick. With --fastest this says whether scoring more trials could have
    /// picked a faster design; the test drop says whether that design would have kept the tolerance.
    /// </summary>
    private static void RenderPickRule(StringBuilder sb, IReadOnlyList<FinalistScore> rows)
    {
        var campaigns = rows.Where(r => r.Picked is not null).GroupBy(r => (r.Store, r.Campaign)).ToList();
        if (campaigns.Count == 0) return;
        sb.AppendLine().AppendLine("| store | campaign | trials scored | the pick's rule over them: trial, img/s | its test drop | the campaign's pick, img/s | ratio |")
            .AppendLine("|---|---|---|---|---|---|---|");
        foreach (var c in campaigns)
        {
            var best = c.Where(r => r.ConfirmationRest <= r.PickLimit + 1e-9).MaxBy(r => r.Throughput);
            var picked = c.First().Picked!.Value;
            sb.AppendLine(best is null
                ? $"| {c.Key.Store} | {c.Key.Campaign} | {c.Count()} | none passes | - | {picked:F1} | - |"
                : $"| {c.Key.Store} | {c.Key.Campaign} | {c.Count()} | {best.Trial}, {best.Throughput:F1} | {best.Test:F2} | {picked:F1} | {best.Throughput / picked:F3} |");
        }
    }
}
