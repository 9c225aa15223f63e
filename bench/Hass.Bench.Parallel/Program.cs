using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;

// Trials per minute of a campaign at several parallelisms, and the best feasible throughput at equal trial budget.
// Runs `hass run` as a real process per (parallelism, seed), each on a fresh store, and reads the store it leaves:
// the rate is the main campaign's trials over the span from its first trial's start to its last trial's end
// (model loading, the uniform baseline and the final phase are outside the span). Not a test: run on demand.
var hass = new Option<string>("--hass") { Description = "The hass executable", DefaultValueFactory = _ => "src/Hass.Cli/bin/Release/net10.0/hass" };
var campaign = new Option<string>("--campaign") { Description = "Campaign file", DefaultValueFactory = _ => "examples/fmnist-hass.json" };
var trials = new Option<int>("--trials") { Description = "Trial budget of each run", DefaultValueFactory = _ => 60 };
var seeds = new Option<int[]>("--seeds") { Description = "Seeds (the quality figure is their mean)", DefaultValueFactory = _ => [0, 1, 2], AllowMultipleArgumentsPerToken = true };
var parallelisms = new Option<int[]>("--parallelism") { Description = "Parallelisms to compare (the first is the reference)", DefaultValueFactory = _ => [1, 2], AllowMultipleArgumentsPerToken = true };
var noWarmStart = new Option<bool>("--no-warm-start") { Description = "Pass --no-warm-start to hass run (the search then does not start from the uniform baseline's points)" };
var reuse = new Option<bool>("--reuse") { Description = "Read the stores an earlier run left in --work instead of running hass again" };
var work = new Option<string>("--work") { Description = "Folder for the stores and logs", DefaultValueFactory = _ => Path.Combine(Path.GetTempPath(), "hass-bench-parallel") };
var root = new RootCommand("Trials per minute and best feasible throughput of a campaign at several parallelisms");
foreach (var o in new Option[] { hass, campaign, trials, seeds, parallelisms, noWarmStart, reuse, work }) root.Options.Add(o);
root.SetAction(parse => new ParallelBench(parse.GetValue(hass)!, parse.GetValue(campaign)!, parse.GetValue(trials), parse.GetValue(noWarmStart), parse.GetValue(work)!,
        parse.GetValue(reuse))
    .Run(parse.GetValue(seeds)!, parse.GetValue(parallelisms)!));
return await root.Parse(args).InvokeAsync();

internal sealed class ParallelBench(string hass, string campaign, int trials, bool noWarmStart, string work, bool reuse)
{
    /// <summary>
    /// One run's figures. Busy: the share of the span during which all slots held a trial; InFlight: the mean
    /// number of trials running over the span. Both depend on how often the strategy had nothing to ask, hardly on load.
    /// </summary>
    private sealed record RunFigures(int Parallelism, int Seed, int Trials, double Minutes, double? Best, double WallSeconds, double Busy, double InFlight,
        double? BaselineBusy);

    public int Run(int[] seeds, int[] parallelisms)
    {
        Directory.CreateDirectory(work);
        var runs = new List<RunFigures>();
        foreach (var seed in seeds)
            foreach (var p in parallelisms)
            {
                var figures = RunOnce(seed, p);
                if (figures is null) return 1;
                runs.Add(figures);
                Console.WriteLine($"parallelism {p}, seed {seed}: {figures.Trials} trials in {figures.Minutes:F2} min = {figures.Trials / figures.Minutes:F1} trials/min, " +
                                  $"best feasible {Format(figures.Best)} img/s, all {p} slots busy {figures.Busy:P1} of the span, {figures.InFlight:F2} in flight; " +
                                  $"uniform baseline: all slots busy {(figures.BaselineBusy is { } b ? b.ToString("P1", CultureInfo.InvariantCulture) : "-")} " +
                                  $"(whole command {figures.WallSeconds:F0} s)");
            }
        Summarise(runs, parallelisms[0]);
        return 0;
    }

    private RunFigures? RunOnce(int seed, int parallelism)
    {
        var store = Path.Combine(work, $"p{parallelism}-s{seed}.db");
        if (reuse) return File.Exists(store) ? Read(store, seed, parallelism, double.NaN) : Missing(store);
        foreach (var f in new[] { store, store + ".lock", store + ".lock.pid" }) File.Delete(f);
        string[] args = ["run", campaign, "--store", store, "--trials", $"{trials}", "--seed", $"{seed}", "--parallelism", $"{parallelism}", .. (noWarmStart ? new[] { "--no-warm-start" } : [])];
        var watch = Stopwatch.StartNew();
        var start = new ProcessStartInfo(hass, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        File.WriteAllText(Path.ChangeExtension(store, ".log"), output.Result + error.Result);
        if (process.ExitCode != 0)
        {
            Console.Error.WriteLine($"error: hass run exited {process.ExitCode} (parallelism {parallelism}, seed {seed}); see {Path.ChangeExtension(store, ".log")}");
            return null;
        }
        return Read(store, seed, parallelism, watch.Elapsed.TotalSeconds);
    }

    private static RunFigures? Missing(string store)
    {
        Console.Error.WriteLine($"error: --reuse: no store {store}; run the benchmark without --reuse first, with the same --work, --seeds and --parallelism");
        return null;
    }

    private static RunFigures Read(string store, int seed, int parallelism, double wallSeconds)
    {
        using var s = HassStore.Open(store, StoreAccess.Read);
        var main = s.Campaigns().Last(c => !c.Name.EndsWith("-uniform", StringComparison.Ordinal));
        var done = s.Trials(main.Name).Where(t => t.State != TrialState.Abandoned).ToList();
        var minutes = (done.Max(t => t.FinishedAt) - done.Min(t => t.StartedAt)).TotalMinutes;
        var best = new Objective(main.Spec.Objective).Best(done);
        var (busy, inFlight) = Occupancy(done, parallelism);
        // The uniform baseline campaign runs before the search, outside the rate's span; its occupancy is shown apart.
        var baseline = s.Campaigns().Where(c => c.Name == main.Name + "-uniform")
            .Select(c => s.Trials(c.Name).Where(t => t.State != TrialState.Abandoned).ToList()).FirstOrDefault(t => t.Count > 1);
        return new RunFigures(parallelism, seed, done.Count, minutes, best is null ? null : Objective.Throughput(best), wallSeconds, busy, inFlight,
            baseline is null ? null : Occupancy(baseline, parallelism).Busy);
    }

    /// <summary>Share of the span with all <paramref name="slots"/> busy, and the mean number running, from the trials' start and end times.</summary>
    private static (double Busy, double InFlight) Occupancy(IReadOnlyList<TrialRecord> done, int slots)
    {
        var events = done.SelectMany(t => new[] { (At: t.StartedAt, Step: 1), (At: t.FinishedAt, Step: -1) })
            .OrderBy(e => e.At).ThenBy(e => e.Step).ToList();
        double busy = 0, running = 0, span = (events[^1].At - events[0].At).TotalSeconds;
        var level = 0;
        for (var i = 0; i < events.Count - 1; i++)
        {
            level += events[i].Step;
            var seconds = (events[i + 1].At - events[i].At).TotalSeconds;
            running += level * seconds;
            if (level >= slots) busy += seconds;
        }
        return (busy / span, running / span);
    }

    private static void Summarise(List<RunFigures> runs, int reference)
    {
        double Rate(IEnumerable<RunFigures> r) => r.Sum(x => x.Trials) / r.Sum(x => x.Minutes);
        var baseRate = Rate(runs.Where(r => r.Parallelism == reference));
        var baseBest = runs.Where(r => r.Parallelism == reference && r.Best is not null).Select(r => r.Best!.Value).DefaultIfEmpty(double.NaN).Average();
        Console.WriteLine();
        Console.WriteLine("| parallelism | trials/min | speed-up | mean best feasible img/s | vs reference | all slots busy | in flight |");
        Console.WriteLine("|---|---|---|---|---|---|---|");
        foreach (var group in runs.GroupBy(r => r.Parallelism))
        {
            var rate = Rate(group);
            var best = group.Where(r => r.Best is not null).Select(r => r.Best!.Value).DefaultIfEmpty(double.NaN).Average();
            Console.WriteLine($"| {group.Key} | {rate:F1} | {rate / baseRate:F2}× | {best:F1} | {best / baseBest:F3}× | {group.Average(r => r.Busy):P1} | {group.Average(r => r.InFlight):F2} |");
        }
    }

    private static string Format(double? value) => value is { } v ? v.ToString("F1", CultureInfo.InvariantCulture) : "none";
}
