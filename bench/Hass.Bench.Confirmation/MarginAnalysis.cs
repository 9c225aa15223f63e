using System.Globalization;
using System.Text;

namespace Hass.Bench.Confirmation;

/// <summary>
/// How well each statistic of a trial's margins (<see cref="MarginDump"/>) predicts its test-set drop, per model over the stores:
/// the counted drop (top-1) and the smoothed drop (mean of σ(margin / T)) on the search split and on the confirmation split's first
/// part, each as the correlation with the test drop and the SD left after a straight-line fit to it.
/// </summary>
public static class MarginAnalysis
{
    private static readonly double[] Temperatures = [0.5, 1, 2];

    /// <param name="marginFiles">CSV files of <see cref="MarginDump"/>: trial, split ("search" / "conf1"), one margin per image.</param>
    /// <param name="inputs">Per store: its model, its margins file and its re-scored drops per trial number.</param>
    public static string Render(IEnumerable<(string Model, string MarginFile, IReadOnlyDictionary<int, RescoredDrops> Drops)> inputs)
    {
        var text = new StringBuilder();
        text.AppendLine("| model | trials | statistic | split | corr. with test drop | SD of test drop left by a line |");
        text.AppendLine("|---|---|---|---|---|---|");
        foreach (var model in inputs.GroupBy(i => i.Model))
        {
            var rows = new List<(double Test, Dictionary<string, double> Stats)>();
            foreach (var (_, file, rescored) in model)
            {
                var margins = Read(file);
                var (denseSearch, densePart) = (margins[("dense", "search")], margins[("dense", "conf1")]);
                foreach (var ((trial, split), search) in margins)
                {
                    if (trial == "dense" || split != "search" || !margins.TryGetValue((trial, "conf1"), out var part)) continue;
                    if (!rescored.TryGetValue(int.Parse(trial, CultureInfo.InvariantCulture), out var drops)) continue;
                    var test = drops.Test;
                    var stats = new Dictionary<string, double>
                    {
                        ["counted|final 6,000 (re-scored)"] = drops.Final,
                        ["counted|search"] = MarginStatistics.Counted(denseSearch) - MarginStatistics.Counted(search),
                        ["counted|conf1"] = MarginStatistics.Counted(densePart) - MarginStatistics.Counted(part),
                    };
                    foreach (var t in Temperatures)
                    {
                        stats[$"smoothed T={t}|search"] = MarginStatistics.Smoothed(denseSearch, t) - MarginStatistics.Smoothed(search, t);
                        stats[$"smoothed T={t}|conf1"] = MarginStatistics.Smoothed(densePart, t) - MarginStatistics.Smoothed(part, t);
                    }
                    rows.Add((test, stats));
                }
            }
            if (rows.Count < 3) continue;
            var y = rows.Select(r => r.Test).ToArray();
            foreach (var key in rows[0].Stats.Keys)
            {
                var x = rows.Select(r => r.Stats[key]).ToArray();
                var (corr, residual) = MarginStatistics.Fit(x, y);
                var parts = key.Split('|');
                text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {model.Key} | {rows.Count} | {parts[0]} | {parts[1]} | {corr:F3} | {residual:F3} |"));
            }
        }
        return text.ToString();
    }

    private static Dictionary<(string Trial, string Split), float[]> Read(string file)
    {
        var margins = new Dictionary<(string, string), float[]>();
        foreach (var line in File.ReadLines(file))
        {
            var fields = line.Split(',');
            if (fields.Length < 3) continue;
            margins[(fields[0], fields[1])] = fields.Skip(2).Select(f => float.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        }
        return margins;
    }
}

/// <summary>A trial's counted drops (points) on the images the final pick scores and on the test set.</summary>
public sealed record RescoredDrops(double Final, double Test)
{
    /// <summary>The drops of <paramref name="store"/> in a --drops folder (its <c>&lt;store&gt;.csv</c>), or null when the folder has none.</summary>
    public static IReadOnlyDictionary<int, RescoredDrops>? ReadFor(string folder, string store) =>
        Path.Combine(folder, store + ".csv") is var file && File.Exists(file) ? Read(file) : null;

    /// <summary>Reads a CSV whose header names the columns trial, final6k and test: trial number → drops.</summary>
    public static IReadOnlyDictionary<int, RescoredDrops> Read(string file)
    {
        var lines = File.ReadAllLines(file);
        var header = lines[0].Split(',');
        int trial = Array.IndexOf(header, "trial"), final = Array.IndexOf(header, "final6k"), test = Array.IndexOf(header, "test");
        if (trial < 0 || final < 0 || test < 0) throw new InvalidDataException($"{file}: the header must name the columns trial, final6k and test");
        double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
        return lines.Skip(1).Select(l => l.Split(',')).ToDictionary(f => int.Parse(f[trial], CultureInfo.InvariantCulture), f => new RescoredDrops(Number(f[final]), Number(f[test])));
    }
}
