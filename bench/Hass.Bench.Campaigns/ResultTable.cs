using System.Globalization;
using System.Text;

namespace Hass.Bench.Campaigns;

/// <summary>
/// One markdown table: per model × board × pipeline, the mean over seeds of the chosen design's throughput, its
/// worst test-set top-1 drop, the ratios to the uniform pipeline, to the dense design and to the same pruned network
/// on the non-dataflow `systolic-sparse` backend and to the cell's ceilings (the oracle ceiling from its `oracle` runs), trials and wall time;
/// then each pipeline's geometric mean of the ratio to uniform over the cells.
/// </summary>
public static class ResultTable
{
    private static string F(double v, string format = "F0") => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Render(IReadOnlyList<RunResult> results)
    {
        var sb = new StringBuilder();
        sb.AppendLine("| model | board | pipeline | seeds (ok/run) | best feasible img/s (mean) | worst test drop (points) | / uniform | / dense | / same net on systolic-sparse | / sensitivity ceiling | / max-sparsity ceiling | / oracle ceiling | trials | s/trial | wall (s) |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var ratios = new Dictionary<string, List<double>>();
        foreach (var cell in results.GroupBy(r => (r.Key.Model, r.Key.Board)))
        {
            var uniform = Mean(cell.Where(r => r.Key.Pipeline == "uniform"), r => r.Throughput);
            var (sensitivityCeiling, maxCeiling, oracle, _) = CellCeilings(cell);
            foreach (var pipeline in cell.GroupBy(r => r.Key.Pipeline))
            {
                var ok = pipeline.Where(r => r.Error is null).ToList();
                var mean = Mean(ok, r => r.Throughput);
                var ratio = mean / uniform;
                if (double.IsFinite(ratio) && pipeline.Key != "uniform") ratios.TryAdd(pipeline.Key, []);
                if (double.IsFinite(ratio) && pipeline.Key != "uniform") ratios[pipeline.Key].Add(ratio);
                sb.AppendLine($"| {cell.Key.Model} | {cell.Key.Board} | {pipeline.Key} | {ok.Count}/{pipeline.Count()} | {F(mean, "F1")} | " +
                              $"{F(ok.Select(r => r.TestDrop).DefaultIfEmpty(double.NaN).Max(), "F2")} | {F(ratio, "F3")} | " +
                              $"{F(mean / Mean(ok, r => r.DenseThroughput), "F2")} | {F(mean / Mean(ok, r => r.SystolicThroughput), "F2")} | {F(mean / sensitivityCeiling, "F2")} | {F(mean / maxCeiling, "F2")} | {F(mean / oracle, "F2")} | " +
                              $"{F(Mean(pipeline, r => r.Trials))} | {F(Mean(ok, r => r.SecondsPerTrial), "F2")} | {F(Mean(pipeline, r => r.Wall.TotalSeconds))} |");
            }
        }
        foreach (var (pipeline, list) in ratios)
            sb.AppendLine().Append($"{pipeline} / uniform: geometric mean {F(Math.Exp(list.Average(Math.Log)), "F3")} over {list.Count} cell(s), lowest {F(list.Min(), "F3")}");
        RenderCeilings(sb, results);
        foreach (var failed in results.Where(r => r.Error is not null))
            sb.AppendLine().Append($"{failed.Key.Tag}: {failed.Error}");
        return sb.AppendLine().ToString();
    }

    /// <summary>
    /// Per cell: the sensitivity ceiling (mean over the held-out runs that have one: an oracle run swept on the test set),
    /// the max-sparsity ceiling (the highest over the cell's runs: it ignores accuracy, so an oracle run's sparsities count
    /// too) and the oracle ceiling (the mean pick of its oracle runs); NaN where the cell has no such run.
    /// </summary>
    private static (double Sensitivity, double MaxSparsity, double Oracle, string? Note) CellCeilings(IEnumerable<RunResult> cell)
    {
        var ok = cell.Where(r => r.Error is null).ToList();
        var oracle = ok.ToLookup(r => r.Key.Pipeline == CampaignFile.Oracle);
        var max = ok.Where(r => double.IsFinite(r.Ceilings.MaxSparsity)).MaxBy(r => r.Ceilings.MaxSparsity);
        return (Mean(oracle[false], r => r.Ceilings.Sensitivity), max?.Ceilings.MaxSparsity ?? double.NaN, Mean(oracle[true], r => r.Throughput),
            max?.Ceilings.MaxSparsityNote);
    }

    private static void RenderCeilings(StringBuilder sb, IReadOnlyList<RunResult> results)
    {
        sb.AppendLine().AppendLine().AppendLine("| model | board | sensitivity ceiling img/s | max-sparsity ceiling img/s | oracle ceiling img/s | what binds the max-sparsity design | hass pick's headroom (mean) | its next folding level, board × (mean) | its stages at the floor (first seed) |");
        sb.Append("|---|---|---|---|---|---|---|---|---|");
        foreach (var cell in results.GroupBy(r => (r.Key.Model, r.Key.Board)))
        {
            var (sensitivity, max, oracle, note) = CellCeilings(cell);
            var hass = cell.Where(r => r.Key.Pipeline == "hass").OrderBy(r => r.Key.Seed).ToList();
            var caps = hass.Where(r => r.Cap is not null).Select(r => r.Cap!).ToList();
            var floor = caps.Count == 0 ? "—" : $"{F(caps[0].FloorCycles)} cycles: {string.Join(", ", caps[0].Stages.Take(3))}{(caps[0].Stages.Count > 3 ? $" and {caps[0].Stages.Count - 3} more" : "")}";
            sb.AppendLine().Append($"| {cell.Key.Model} | {cell.Key.Board} | {F(sensitivity, "F1")} | {F(max, "F1")} | {F(oracle, "F1")} | {note ?? "—"} | " +
                                   $"{F(caps.Select(c => c.Headroom).DefaultIfEmpty(double.NaN).Average(), "F3")} | {F(Mean(hass, r => r.NextLevelBoardScale ?? double.NaN), "F2")} | {floor} |");
        }
    }

    private static double Mean(IEnumerable<RunResult> runs, Func<RunResult, double> value)
    {
        var values = runs.Select(value).Where(double.IsFinite).ToList();
        return values.Count == 0 ? double.NaN : values.Average();
    }
}
