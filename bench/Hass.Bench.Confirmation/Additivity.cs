using System.Globalization;
using System.Text;
using Hass.Abstractions;
using Hass.Torch.Evaluation;

namespace Hass.Bench.Confirmation;

/// <summary>A trial's drops on the search split (points): of all its thresholds together, and summed over each threshold applied alone.</summary>
public sealed record AdditivityRow(string Model, string Store, string Campaign, int Trial, double Smoothed, double SmoothedSumAlone, double Counted, double CountedSumAlone);

/// <summary>
/// Whether pruning's accuracy losses add up over the layers: if the drop of a whole threshold vector is close to the sum of its
/// thresholds' drops each applied alone, per-layer drop curves from a sweep model any combination and a search can spend the
/// tolerance layer by layer. Measured on each per-layer campaign's fastest trials.
/// </summary>
public static class Additivity
{
    public static IReadOnlyList<AdditivityRow> Measure(string path, int count, double over, TextWriter progress, CancellationToken ct) =>
        StoredCampaigns.SelectMany(path, stored =>
        {
            var (campaign, evaluator) = (stored.Campaign, stored.Evaluator);
            var rows = new List<AdditivityRow>();
            var dimensions = evaluator.SearchSpace.Dimensions;
            if (dimensions.Any(d => d.Name.EndsWith('*'))) return rows;   // the uniform phase: one global threshold per kind
            var dense = evaluator.SearchSpace.Defaults();
            float[] Margins(ParameterSet p) => evaluator.Pass(p, "search", new PassOptions { RecordMargins = true }, ct).Margins!;
            var denseMargins = Margins(dense);
            var (denseSmoothed, denseCounted) = (MarginStatistics.Smoothed(denseMargins), MarginStatistics.Counted(denseMargins));
            (double Smoothed, double Counted) Drop(float[] m) => (denseSmoothed - MarginStatistics.Smoothed(m), denseCounted - MarginStatistics.Counted(m));
            foreach (var trial in StoredTrials.Fastest(stored.Trials, over).Take(count))
            {
                var whole = Drop(Margins(trial.Parameters));
                var alone = dimensions.Where(d => trial.Parameters[d.Name] != d.Default)
                    .Select(d => Drop(Margins(new ParameterSet(new Dictionary<string, double>(dense.Values) { [d.Name] = trial.Parameters[d.Name] }))))
                    .ToList();
                var row = new AdditivityRow(campaign.Spec.Model, Path.GetFileNameWithoutExtension(path), campaign.Name, trial.Number,
                    whole.Smoothed, alone.Sum(a => a.Smoothed), whole.Counted, alone.Sum(a => a.Counted));
                progress.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Store} {row.Campaign} trial {row.Trial}: smoothed {row.Smoothed:F3} whole, {row.SmoothedSumAlone:F3} summed over {alone.Count} alone; counted {row.Counted:F2} / {row.CountedSumAlone:F2}"));
                rows.Add(row);
            }
            return rows;
        });

    /// <summary>
    /// Per model: the whole drop against the sum of the drops alone, as their ratio, correlation and the SD a line leaves; with
    /// <paramref name="testDrops"/> (a row's test-set drop, or null), how well each predicts the test drop.
    /// </summary>
    public static string Render(IEnumerable<AdditivityRow> rows, Func<AdditivityRow, double?>? testDrops = null)
    {
        var text = new StringBuilder();
        text.AppendLine("| model | trials | drop | whole (mean) | sum alone (mean) | whole / sum | corr. | SD of whole left by a line on sum |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        var tested = new StringBuilder();
        foreach (var model in rows.GroupBy(r => r.Model))
        {
            var withTest = model.Select(r => (Row: r, Test: testDrops?.Invoke(r))).Where(p => p.Test is not null).ToList();
            var test = withTest.Select(p => p.Test!.Value).ToArray();
            void Line(string kind, Func<AdditivityRow, double> whole, Func<AdditivityRow, double> sum)
            {
                var (w, s) = (model.Select(whole).ToArray(), model.Select(sum).ToArray());
                var (correlation, residual) = w.Length >= 3 ? MarginStatistics.Fit(s, w) : (double.NaN, double.NaN);
                text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {model.Key} | {w.Length} | {kind} | {w.Average():F3} | {s.Average():F3} | {w.Sum() / s.Sum():F2} | {correlation:F3} | {residual:F3} |"));
                if (withTest.Count < 3) return;
                foreach (var (label, statistic) in new[] { ("whole", whole), ("sum alone", sum) })
                {
                    var (c, r) = MarginStatistics.Fit(withTest.Select(p => statistic(p.Row)).ToArray(), test);
                    tested.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {model.Key} | {withTest.Count} | {kind}, {label} | {c:F3} | {r:F3} |"));
                }
            }
            Line("smoothed", r => r.Smoothed, r => r.SmoothedSumAlone);
            Line("counted", r => r.Counted, r => r.CountedSumAlone);
        }
        if (tested.Length == 0) return text.ToString();
        text.AppendLine().AppendLine("| model | trials with a test drop | search-split drop | corr. with test drop | SD of test drop left by a line |");
        return text.AppendLine("|---|---|---|---|---|").Append(tested).ToString();
    }
}

/// <summary>The test drops of a --drops folder for the additivity table: each store's <c>&lt;store&gt;.csv</c> re-scores its campaign "bench" (the one Hass.Bench.Campaigns runs).</summary>
public static class AdditivityDrops
{
    public static Func<AdditivityRow, double?> Read(string folder)
    {
        var cache = new Dictionary<string, IReadOnlyDictionary<int, RescoredDrops>?>();
        return row =>
        {
            if (row.Campaign != "bench") return null;
            if (!cache.TryGetValue(row.Store, out var drops)) cache[row.Store] = drops = RescoredDrops.ReadFor(folder, row.Store);
            return drops is not null && drops.TryGetValue(row.Trial, out var d) ? d.Test : null;
        };
    }
}
