using System.Globalization;
using System.Text;

namespace Hass.Bench.Fidelity;

/// <summary>
/// The markdown tables: per design predicted vs measured img/s; per cell the worst |predicted/measured − 1|, Kendall τ-b,
/// τ over the pairs measured apart, discordant pairs, and batch-1 latency predicted/measured (targets: ≤ 0.05, τ ≥ 0.8, within 5 %).
/// </summary>
public static class FidelityTable
{
    private static string F(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "—";

    public static string Render(IReadOnlyList<CellResult> cells, double resolution)
    {
        var sb = new StringBuilder();
        // With rotations: the run from image 0 alone beside the mean over the rotations, and its τ.
        bool rotated = cells.Any(c => c.Designs.Any(d => d.FromFirstImage is not null));
        sb.AppendLine($"| campaign | trial | predicted img/s | measured img/s | predicted/measured |{(rotated ? " measured from image 0 only |" : "")}")
          .AppendLine($"|---|---|---|---|---|{(rotated ? "---|" : "")}");
        foreach (var cell in cells)
            foreach (var d in cell.Designs)
                sb.AppendLine($"| {cell.Model} × {cell.Board} | {d.Trial} | {F(d.Predicted, "F1")} | {F(d.Measured, "F1")} | {F(d.Ratio, "F3")} |{(rotated ? $" {F(d.FromFirstImage ?? double.NaN, "F1")} |" : "")}");
        sb.AppendLine().AppendLine("| campaign | designs | worst \\|pred/meas − 1\\| | Kendall τ-b | τ over pairs measured apart | discordant / pairs measured apart | batch-1 latency pred µs | meas µs | pred/meas |" +
                                   (rotated ? " τ apart, from image 0 only |" : ""))
          .AppendLine($"|---|---|---|---|---|---|---|---|---|{(rotated ? "---|" : "")}");
        foreach (var cell in cells)
        {
            if (cell.Designs.Count == 0) { sb.AppendLine($"| {cell.Model} × {cell.Board} | 0 | {cell.Error} | | | | | | |"); continue; }
            var rank = RankAgreement.Of(cell.Designs.Select(d => d.Predicted).ToList(), cell.Designs.Select(d => d.Measured).ToList(), resolution);
            double worst = cell.Designs.Max(d => Math.Abs(d.Ratio - 1));
            var l = cell.Latency;
            sb.AppendLine($"| {cell.Model} × {cell.Board} | {cell.Designs.Count} | {Mark(F(worst, "F3"), worst > 0.05)} | {F(rank.TauB, "F2")} | " +
                          $"{Mark(F(rank.TauApart, "F2"), rank.TauApart < 0.8)} | {rank.Discordant} / {rank.PairsApart} | " +
                          $"{F(l?.Predicted * 1e6 ?? double.NaN, "F1")} | {F(l?.Measured * 1e6 ?? double.NaN, "F1")} | " +
                          $"{(l is null ? "—" : Mark(F(l.Ratio, "F3"), Math.Abs(l.Ratio - 1) > 0.05))} |" +
                          (rotated ? $" {F(FirstImageTau(cell, resolution), "F2")} |" : ""));
        }
        foreach (var failed in cells.Where(c => c.Error is not null && c.Designs.Count > 0)) sb.AppendLine().Append($"{failed.Name}: {failed.Error}");
        return sb.AppendLine().ToString();
    }

    private static double FirstImageTau(CellResult cell, double resolution) => cell.Designs.All(d => d.FromFirstImage is not null)
        ? RankAgreement.Of(cell.Designs.Select(d => d.Predicted).ToList(), cell.Designs.Select(d => d.FromFirstImage!.Value).ToList(), resolution).TauApart
        : double.NaN;

    private static string Mark(string value, bool missed) => missed ? $"**{value}**" : value;
}
