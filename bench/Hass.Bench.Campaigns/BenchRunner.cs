namespace Hass.Bench.Campaigns;

/// <summary>Runs every (model, board, pipeline, seed), at most <c>Parallel</c> at once, and renders the table.</summary>
public static class BenchRunner
{
    public static async Task<string> RunAllAsync(BenchOptions options, TextWriter progress, CancellationToken ct)
    {
        var keys = (from m in options.Models from b in options.Boards from p in options.Pipelines from s in options.Seeds select new RunKey(m, b, p, s))
            .Where(k => !options.NoRun || File.Exists(Path.Combine(options.Work, k.Tag + ".db"))).ToList(); // --no-run: the runs that have a store
        var executor = new RunExecutor(options);
        var results = new RunResult[keys.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, keys.Count), new ParallelOptions { MaxDegreeOfParallelism = options.Parallel, CancellationToken = ct },
            async (i, token) =>
            {
                results[i] = await executor.RunAsync(keys[i], token);
                var r = results[i];
                lock (progress)
                    progress.WriteLine($"{r.Key.Tag}: {(r.Error ?? $"{r.Throughput:F1} img/s, test drop {r.TestDrop:F2}")}, {r.Trials} trials, {r.Wall.TotalSeconds:F0} s");
            });
        return ResultTable.Render(results);
    }
}
