using System.Globalization;
using System.Text;
using Hass.Engine.Reports;
using Hass.Engine.Running;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>The end-of-campaign table: dense design, uniform baseline, HASS best (accuracy on the test set, and on the confirmation split that confirmed the picks).</summary>
internal static class FinalTable
{
    private static readonly string[] Columns =
        ["design", "trial", "top-1 test %", "top-1 confirm %", "top-1 search %", "weight sp.", "act. sp.", "eff. sp.", "img/s", "fidelity", "DSP", "GOP/s/DSP", "× dense", "× uniform"];

    private static string[] Cells(FinalRow r)
    {
        var inv = CultureInfo.InvariantCulture;
        string Known(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, inv);
        return
        [
            r.Label, r.Trial?.ToString(inv) ?? "-", Known(r.TestTop1, "F2"), Known(r.ConfirmationTop1 ?? double.NaN, "F2"), Known(r.SearchTop1, "F2"),
            Known(r.WeightSparsity, "P1"), Known(r.ActivationSparsity, "P1"), Known(r.EffectiveSparsity, "P1"),
            r.Throughput.ToString("F1", inv), r.ThroughputFidelity.ToString().ToLowerInvariant(), r.Dsp.ToString("F0", inv), r.GopsPerDsp.ToString("F4", inv),
            r.SpeedupOverDense.ToString("F2", inv) + "×", r.SpeedupOverUniform is { } u ? u.ToString("F2", inv) + "×" : "-",
        ];
    }

    public static void Write(IAnsiConsole console, FinalSummary summary)
    {
        var confirmation = summary.ConfirmationImages > 0 ? $", confirmation split: {summary.ConfirmationImages} images" : "";
        var table = new Table().Title($"final (test set: {summary.TestImages} images{confirmation})").AddColumns(Columns);
        foreach (var row in summary.Rows) table.AddRow(Cells(row).Select(Markup.Escape).ToArray());
        console.Write(table);
        foreach (var row in summary.Rows.Where(r => r.Note is not null)) console.WriteLine($"{row.Label}: {row.Note}");
    }

    /// <summary>The table's columns and, last, the note printed under the table for the row (quoted: notes hold commas).</summary>
    public static string Csv(FinalSummary summary)
    {
        var sb = new StringBuilder().AppendLine(string.Join(",", Columns) + ",note");
        foreach (var row in summary.Rows) sb.AppendLine(string.Join(",", Cells(row).Append(row.Note ?? "").Select(CampaignReport.Quote)));
        return sb.ToString();
    }
}
