using Hass.Abstractions;
using Hass.Engine.Running;
using ScottPlot;

namespace Hass.Cli;

/// <summary>Report plots (ScottPlot 5, rendered headless with SkiaSharp).</summary>
internal static class Plots
{
    /// <summary>Accuracy vs throughput of every completed trial, feasible and infeasible, with the Pareto front.</summary>
    public static void AccuracyVsThroughput(IReadOnlyList<TrialRecord> trials, double? baseline, double tolerance, string path)
    {
        var plot = new Plot();
        var done = trials.Where(t => t.State == TrialState.Complete && t.Accuracy is not null && t.Design is not null).ToList();
        void Points(IEnumerable<TrialRecord> set, string label, Color color, float size)
        {
            var list = set.ToList();
            if (list.Count == 0) return;
            var s = plot.Add.ScatterPoints(list.Select(Objective.Throughput).ToArray(), list.Select(t => t.Accuracy!.Value).ToArray());
            s.LegendText = label;
            s.Color = color;
            s.MarkerSize = size;
        }
        Points(done.Where(t => !t.Feasible), "infeasible", Colors.Gray, 5);
        Points(done.Where(t => t.Feasible), "feasible", Colors.SteelBlue, 6);
        var front = Objective.ParetoFront(done);
        if (front.Count > 0)
        {
            var line = plot.Add.Scatter(front.Select(Objective.Throughput).ToArray(), front.Select(t => t.Accuracy!.Value).ToArray());
            line.LegendText = "Pareto front";
            line.Color = Colors.OrangeRed;
            line.LineWidth = 2;
            line.MarkerSize = 8;
        }
        if (baseline is { } b)
        {
            var h = plot.Add.HorizontalLine(b - tolerance);
            h.LegendText = $"tolerance ({tolerance:G3} points)";
            h.Color = Colors.DarkGreen;
            h.LinePattern = LinePattern.Dashed;
        }
        plot.Title("Accuracy vs throughput");
        plot.XLabel("throughput (images/s)");
        plot.YLabel("top-1 accuracy (%)");
        plot.ShowLegend();
        plot.SavePng(path, 900, 600);
    }

    /// <summary>The best feasible objective value after each trial.</summary>
    public static void BestSoFar(IReadOnlyList<TrialRecord> trials, Objective objective, string path)
    {
        var plot = new Plot();
        var xs = new List<double>();
        var ys = new List<double>();
        double? best = null;
        foreach (var t in trials.Where(t => t.State != TrialState.Abandoned))
        {
            if (t.State == TrialState.Complete && t.Feasible && t.ObjectiveValues.Count > 0)
            {
                var v = objective.IsMulti ? t.ObjectiveValues[1] : t.ObjectiveValues[0];
                if (best is null || objective.Better(v, best.Value)) best = v;
            }
            if (best is not null) { xs.Add(t.Number); ys.Add(best.Value); }
        }
        if (xs.Count > 0)
        {
            var s = plot.Add.Scatter(xs.ToArray(), ys.ToArray());
            s.ConnectStyle = ConnectStyle.StepHorizontal;
            s.LineWidth = 2;
            s.MarkerSize = 4;
        }
        var name = objective.IsMulti ? "throughput" : objective.ValueNames[0];
        plot.Title($"Best feasible {name} so far");
        plot.XLabel("trial");
        plot.YLabel(name);
        plot.SavePng(path, 900, 600);
    }

    /// <summary>Per-layer sparsity (bars, left) and cycles per image (line, right) of a trial's design.</summary>
    public static void BestDesignLayers(TrialRecord trial, string path)
    {
        var design = trial.Design!;
        var layers = design.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear).ToList();
        var plot = new Plot();
        var positions = Enumerable.Range(0, layers.Count).Select(i => (double)i).ToArray();
        var sparsity = layers.Select(l => trial.LayerSparsity.TryGetValue(l.Layer, out var v) ? v * 100 : 0).ToArray();
        var bars = plot.Add.Bars(positions, sparsity);
        bars.LegendText = "effective sparsity (%)";
        bars.Color = Colors.SteelBlue.WithAlpha(0.6);
        var cycles = plot.Add.Scatter(positions, layers.Select(l => l.Cycles).ToArray());
        cycles.LegendText = "cycles per image";
        cycles.Color = Colors.OrangeRed;
        cycles.LineWidth = 2;
        cycles.Axes.YAxis = plot.Axes.Right;
        plot.Axes.Bottom.SetTicks(positions, layers.Select(l => l.Layer + (l.Sparse ? "*" : "")).ToArray());
        plot.Axes.Bottom.TickLabelStyle.Rotation = 45;
        plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleLeft;
        plot.Axes.Bottom.MinimumSize = 110;
        plot.Axes.Left.Label.Text = "effective sparsity (%)";
        plot.Axes.Right.Label.Text = "cycles per image";
        plot.Title($"Trial {trial.Number}: per-layer sparsity and cycles (* = sparse implementation; bottleneck {design.Performance.BottleneckLayer})");
        plot.ShowLegend();
        plot.SavePng(path, 1100, 650);
    }
}
