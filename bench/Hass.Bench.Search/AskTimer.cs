using System.Diagnostics;
using Hass.Abstractions;
using Hass.Search.Tests;

namespace Hass.Bench.Search;

/// <summary>`ask-time`: how long TPE's Ask takes as the history grows.</summary>
internal static class AskTimer
{
    public static int Run(int trials, int dims, bool multivariate)
    {
        var problem = new HassLikeProblem(dims / 2);
        var settings = multivariate ? """{"multivariate": true}""" : "{}";
        var strategy = Driver.Create("tpe", problem.Space, 0, trials, settings);
        var times = new List<double>();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < trials; i++)
        {
            var watch = Stopwatch.StartNew();
            var s = strategy.Ask();
            watch.Stop();
            times.Add(watch.Elapsed.TotalMilliseconds);
            strategy.Tell(problem.Outcome(s.Number, s.Parameters));
        }
        var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds;
        var last = times.Skip(trials - Math.Clamp(trials / 5, 1, 50)).ToList();
        Console.WriteLine($"tpe{(multivariate ? " (multivariate)" : "")}: {problem.Space.Dimensions.Count} dims, {trials} trials: " +
                          $"median ask {Statistics.Median(times):F2} ms, median of the last {last.Count} asks {Statistics.Median(last):F2} ms, max {times.Max():F2} ms, total {times.Sum():F0} ms wall; " +
                          $"process CPU time {cpu:F0} ms for the whole run ({cpu / trials:F2} ms per trial incl. the objective; wall times suffer on a loaded machine)");
        return 0;
    }
}
