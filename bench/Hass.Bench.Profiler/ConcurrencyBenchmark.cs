using System.Diagnostics;
using Hass.Abstractions;
using Hass.Torch;
using Hass.Torch.Evaluation;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Bench.Profiler;

/// <summary>
/// One trial evaluation alone and two at once (as `hass run --parallelism 2` runs them: one evaluator per trial,
/// one libtorch thread each, two threads of one process), interleaved round by round so that the shared machine's
/// drift hits both alike. Reports the slowdown of an evaluation when two run at once and the throughput ratio.
/// </summary>
public static class ConcurrencyBenchmark
{
    public sealed record Settings(string Model, int Trials, int Rounds, int Calibration, int Seed, bool Profile = true);

    /// <summary>Wall time of the round; the evaluations' own times; CPU time of the evaluating threads.</summary>
    private sealed record Sample(double Wall, double Evaluate, double Profile, double Cpu, int Evaluations);

    public static int Run(IServiceProvider services, Settings settings, TextWriter output)
    {
        TorchRuntime.Configure(1);
        var spec = new EvaluatorSpec { Model = settings.Model, Pruning = "threshold", CalibrationImages = settings.Calibration, SearchImages = 2000 };
        var factory = services.GetRequiredService<TorchTrialEvaluatorFactory>();
        using var first = factory.CreateEvaluator(spec);
        using var second = factory.CreateEvaluator(spec);
        var baseline = first.Evaluate(first.SearchSpace.Defaults(), new EvaluationRequest { Profile = false }).Top1;
        var request = new EvaluationRequest { BaselineTop1 = baseline, EarlyStopDrop = 3.0, Profile = settings.Profile };
        var points = Points(first.SearchSpace, settings.Trials, settings.Seed);
        Evaluate(second, points.Take(2).ToList(), request);   // warm-up of the second evaluator
        output.WriteLine($"{settings.Model}: {settings.Trials} trials per round, {settings.Rounds} rounds, 2000 search + {settings.Calibration} calibration images, " +
                         $"1 torch thread per evaluator, server GC {System.Runtime.GCSettings.IsServerGC}");
        var alone = new List<Sample>();
        var together = new List<Sample>();
        for (int round = 0; round < settings.Rounds; round++)
        {
            var one = Timed(() => [Evaluate(first, points, request)]);
            var oneGc = LastGc;
            var two = Timed(() => Parallel([() => Evaluate(first, points, request), () => Evaluate(second, points, request)]));
            alone.Add(one);
            together.Add(two);
            output.WriteLine($"round {round}: alone {Line(one)} | two at once {Line(two)} | slowdown {PerEvaluation(two) / PerEvaluation(one):F2}x, " +
                             $"CPU-time slowdown {CpuPerEvaluation(two) / CpuPerEvaluation(one):F2}x, throughput {Throughput(two) / Throughput(one):F2}x   (load {MachineLoad.OneMinute()})");
            output.WriteLine($"    per evaluation alone: {oneGc.Per(one.Evaluations)}; two at once: {LastGc.Per(two.Evaluations)}");
        }
        double slowdown = Statistics.Median(alone.Zip(together, (a, t) => PerEvaluation(t) / PerEvaluation(a)));
        double cpuSlowdown = Statistics.Median(alone.Zip(together, (a, t) => CpuPerEvaluation(t) / CpuPerEvaluation(a)));
        double speedup = Statistics.Median(alone.Zip(together, (a, t) => Throughput(t) / Throughput(a)));
        output.WriteLine($"median per evaluation: alone {Statistics.Median(alone.Select(PerEvaluation)) * 1000:F0} ms, two at once {Statistics.Median(together.Select(PerEvaluation)) * 1000:F0} ms; " +
                         $"CPU time per evaluation alone {Statistics.Median(alone.Select(CpuPerEvaluation)) * 1000:F0} ms, two at once {Statistics.Median(together.Select(CpuPerEvaluation)) * 1000:F0} ms; " +
                         $"median slowdown {slowdown:F2}x (CPU time {cpuSlowdown:F2}x), median throughput ratio {speedup:F2}x");
        return 0;
    }

    private static List<ParameterSet> Points(SearchSpace space, int count, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, count)
            .Select(_ => new ParameterSet(space.Dimensions.ToDictionary(d => d.Name, d => d.Low + rng.NextDouble() * 0.4 * (d.High - d.Low))))
            .ToList();
    }

    private static Sample Evaluate(TorchTrialEvaluator evaluator, IReadOnlyList<ParameterSet> points, EvaluationRequest request)
    {
        double evaluate = 0, profile = 0, cpu = ThreadCpu.Seconds();
        foreach (var point in points)
        {
            var outcome = evaluator.Evaluate(point, request);
            evaluate += outcome.EvaluationTime.TotalSeconds;
            profile += outcome.ProfileTime.TotalSeconds;
        }
        return new Sample(0, evaluate, profile, ThreadCpu.Seconds() - cpu, points.Count);
    }

    /// <summary>Each function on its own thread (as the scheduler's Task.Run gives each trial a pool thread).</summary>
    private static Sample[] Parallel(Func<Sample>[] work)
    {
        var results = new Sample[work.Length];
        var threads = work.Select((w, i) => new Thread(() => results[i] = w())).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        return results;
    }

    private static Sample Timed(Func<Sample[]> work)
    {
        var gc = GcState.Now();
        var clock = Stopwatch.StartNew();
        var samples = work();
        LastGc = GcState.Now() - gc;
        return new Sample(clock.Elapsed.TotalSeconds, samples.Sum(s => s.Evaluate), samples.Sum(s => s.Profile), samples.Sum(s => s.Cpu), samples.Sum(s => s.Evaluations));
    }

    private static GcState LastGc = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Managed allocations and collections (process-wide) over a round.</summary>
    private sealed record GcState(long Allocated, int Gen0, int Gen1, int Gen2, double PauseMs, long MinorFaults, long UserTicks, long SystemTicks)
    {
        public static GcState Now()
        {
            // /proc/self/stat after the command name: state is field 3; minflt 10, utime 14, stime 15 (clock ticks).
            var stat = File.ReadAllText("/proc/self/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return new(GC.GetTotalAllocatedBytes(), GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2), GC.GetTotalPauseDuration().TotalMilliseconds,
                long.Parse(fields[10 - 3]), long.Parse(fields[14 - 3]), long.Parse(fields[15 - 3]));
        }
        public static GcState operator -(GcState a, GcState b) => new(a.Allocated - b.Allocated, a.Gen0 - b.Gen0, a.Gen1 - b.Gen1, a.Gen2 - b.Gen2, a.PauseMs - b.PauseMs,
            a.MinorFaults - b.MinorFaults, a.UserTicks - b.UserTicks, a.SystemTicks - b.SystemTicks);
        public string Per(int evaluations) => $"{Allocated / 1e6 / evaluations:F1} MB managed, GCs {(double)Gen0 / evaluations:F1}/{(double)Gen1 / evaluations:F1}/{(double)Gen2 / evaluations:F1}, " +
            $"pause {PauseMs / evaluations:F0} ms, {MinorFaults / evaluations} page faults, user {UserTicks * 10 / evaluations} ms, system {SystemTicks * 10 / evaluations} ms";
    }

    private static double PerEvaluation(Sample s) => (s.Evaluate + s.Profile) / s.Evaluations;
    private static double CpuPerEvaluation(Sample s) => s.Cpu / s.Evaluations;
    private static double Throughput(Sample s) => s.Evaluations / s.Wall;

    private static string Line(Sample s) =>
        $"{s.Evaluations} in {s.Wall:F2} s (evaluate {s.Evaluate / s.Evaluations * 1000:F0} ms + profile {s.Profile / s.Evaluations * 1000:F0} ms each, CPU {CpuPerEvaluation(s) * 1000:F0} ms)";

}

/// <summary>
/// CPU time of the calling thread (clock_gettime CLOCK_THREAD_CPUTIME_ID). On a shared machine wall time also
/// counts the time other processes hold the core; CPU time still grows when two evaluations stall each other on
/// the shared cache and memory, so its ratio isolates that contention.
/// </summary>
internal static partial class ThreadCpu
{
    private const int ClockThreadCpuTime = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    public static double Seconds() => ClockGetTime(ClockThreadCpuTime, out var t) == 0 ? t.Seconds + t.Nanoseconds * 1e-9 : double.NaN;
}
