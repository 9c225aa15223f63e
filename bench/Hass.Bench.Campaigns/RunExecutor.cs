using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Engine.Storage;

namespace Hass.Bench.Campaigns;

/// <summary>Runs one `hass run` process with its own store and reads the final table it stored.</summary>
public sealed class RunExecutor(BenchOptions options)
{
    public async Task<RunResult> RunAsync(RunKey key, CancellationToken ct)
    {
        Directory.CreateDirectory(options.Work);
        var store = Path.GetFullPath(Path.Combine(options.Work, key.Tag + ".db"));
        if (options.NoRun) return Read(key, store, TimeSpan.Zero);
        var log = Path.Combine(options.Work, key.Tag + ".log");
        foreach (var stale in Directory.GetFiles(options.Work, key.Tag + ".db*")) File.Delete(stale);
        var (campaign, trials) = CampaignFile.Write(options.Campaign, key, options.Trials, options.Work);
        // In the work folder: `hass run` writes its report next to where it runs.
        var start = new ProcessStartInfo(Path.GetFullPath(options.Hass))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetFullPath(options.Work),
        };
        foreach (var a in new[] { "run", Path.GetFullPath(campaign), "--store", store, "--seed", key.Seed.ToString(), "--trials", trials.ToString(), "--board", key.Board })
            start.ArgumentList.Add(a);
        start.Environment["HASS_TORCH_THREADS"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {options.Hass}");
        var output = process.StandardOutput.ReadToEndAsync(ct);
        var errors = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        await File.WriteAllTextAsync(log, await output + await errors, ct);
        var wall = clock.Elapsed;
        if (process.ExitCode != 0)
            return RunResult.Failed(key, wall, $"exit {process.ExitCode}, log {log}");
        return Read(key, store, wall);
    }

    /// <summary>The run's result from its store; a store that cannot be read (missing, in use, damaged) fails this run alone, with the store's message.</summary>
    public static RunResult Read(RunKey key, string path, TimeSpan wall)
    {
        try
        {
            return ReadStore(key, path, wall);
        }
        catch (StoreException e)
        {
            return RunResult.Failed(key, wall, e.Message);
        }
    }

    private static RunResult ReadStore(RunKey key, string path, TimeSpan wall)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        var final = store.GetCampaign("bench")?.Final;
        var all = store.Campaigns().SelectMany(c => store.Trials(c.Name)).ToList();
        var trials = all.Count;
        if (wall == TimeSpan.Zero && all.Count > 0) wall = all.Max(t => t.FinishedAt) - all.Min(t => t.StartedAt); // --no-run: the trials' span
        var dense = final?.Rows.FirstOrDefault(r => r.Label == "dense");
        var chosen = final?.Rows.FirstOrDefault(r => r.Label == "hass");
        if (dense is null || chosen is null)
            return new RunResult(key, double.NaN, double.NaN, dense?.Throughput ?? double.NaN, double.NaN, trials, wall, "no feasible design");
        var systolic = final!.Rows.FirstOrDefault(r => r.Label == NonDataflowRow.Label)?.Throughput ?? double.NaN;
        var sensitivity = final.Rows.FirstOrDefault(r => r.Label == CeilingRows.SensitivityLabel);
        var maxSparsity = final.Rows.FirstOrDefault(r => r.Label == CeilingRows.MaxSparsityLabel);
        var search = store.Trials("bench").Where(t => t.Timings.Total > 0).ToList();
        return new RunResult(key, chosen.Throughput, dense.TestTop1 - chosen.TestTop1, dense.Throughput, systolic, trials, wall)
        {
            Ceilings = new Ceilings(sensitivity?.Throughput ?? double.NaN, maxSparsity?.Throughput ?? double.NaN, maxSparsity?.Note),
            SecondsPerTrial = search.Count == 0 ? double.NaN : search.Average(t => t.Timings.Total),
            Cap = chosen.Trial is { } number && store.GetTrial(chosen.Campaign, number)?.Design is { } design ? SparsityCap.Of(design) : null,
            NextLevelBoardScale = chosen.NextLevelBoardScale,
        };
    }
}
