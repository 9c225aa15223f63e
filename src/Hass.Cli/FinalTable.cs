using System.Globalization;
using System.Text;
using Hass.Engine.Running;
using Spectre.Console;

namespace Hass.Cli;

/// <summary>The end-of-campaign table: dense design, uniform baseline, HASS best (accuracy on the test set).</summary>
internal static class FinalTable
{
    private static readonly string[] Columns =
        ["design", "trial", "top-1 test %", "top-1 search %", "weight sp.", "act. sp.", "eff. sp.", "img/s", "fidelity", "DSP", "GOP/s/DSP", "× dense", "× uniform"];

    private static string[] Cells(FinalRow r)
    {
        var inv = CultureInfo.InvariantCulture;
        return
        [
            r.Label, r.Trial?.ToString(inv) ?? "-", double.IsNaN(r.TestTop1) ? "-" : r.TestTop1.ToString("F2", inv), double.IsNaN(r.SearchTop1) ? "-" : r.SearchTop1.ToString("F2", inv),
            r.WeightSparsity.ToString("P1", inv), r.ActivationSparsity.ToString("P1", inv), r.EffectiveSparsity.ToString("P1", inv),
            r.Throughput.ToString("F1", inv), r.ThroughputFidelity.ToString().ToLowerInvariant(), r.Dsp.ToString("F0", inv), r.GopsPerDsp.ToString("F4", inv),
            r.SpeedupOverDense.ToString("F2", inv) + "×", r.SpeedupOverUniform is { } u ? u.ToString("F2", inv) + "×" : "-",
        ];
    }

    public static void Write(IAnsiConsole console, FinalSummary summary)
    {
        var table = new Table().Title($"final (test set: {summary.TestImages} images)").AddColumns(Columns);
        foreach (var row in summary.Rows) table.AddRow(Cells(row).Select(Markup.Escape).ToArray());
        console.Write(table);
        foreach (var row in summary.Rows.Where(r => r.Note is not null)) console.WriteLine($"{row.Label}: {row.Note}");
    }

    public static string Csv(FinalSummary summary)
    {
        var sb = new StringBuilder().AppendLine(string.Join(",", Columns));
        foreach (var row in summary.Rows) sb.AppendLine(string.Join(",", Cells(row)));
        return sb.ToString();
    }
}
