using System.Globalization;
using Hass.Abstractions;
using Hass.BoardEmulator;
using Hass.Engine.Storage;

namespace Hass.Bench.Fidelity;

/// <summary>
/// One board: a hass-board-emulator process on loopback TCP; per model a short campaign (`hass run`), then the
/// campaign's best distinct designs by predicted throughput measured on the emulator (`hass board measure`, which
/// stores the measurement), the best one with `--latency`: batch-1 latency as the mean over the timed images of each
/// image alone through the empty pipeline.
/// </summary>
public sealed class CellRunner(FidelityOptions options, TextWriter progress)
{
    public async Task<IReadOnlyList<CellResult>> RunBoardAsync(string board, CancellationToken ct)
    {
        var boardFile = Path.GetFullPath(Path.Combine("boards", board + ".json"));
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--board", boardFile], cancellationToken: ct);
        var results = new List<CellResult>();
        foreach (var model in options.Models)
        {
            var result = await RunCellAsync(model, board, emulator.Address, ct);
            lock (progress) progress.WriteLine($"{result.Name}: {result.Error ?? $"{result.Designs.Count} designs measured"}");
            results.Add(result);
        }
        return results;
    }

    private async Task<CellResult> RunCellAsync(string model, string board, string link, CancellationToken ct)
    {
        var name = $"fidelity-{model}-{board}";
        Directory.CreateDirectory(options.Work);
        var store = Path.GetFullPath(Path.Combine(options.Work, name + ".db"));
        foreach (var stale in Directory.GetFiles(options.Work, name + ".db*").Concat(Directory.GetFiles(options.Work, name + ".log"))) File.Delete(stale);
        var hass = new HassProcess(options.Hass, Path.Combine(options.Work, name + ".log"));
        var campaign = CampaignFile.Write(options.Campaign, model, board, options.SparseCycles, name, options.Work);
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        if (await hass.RunAsync(["run", campaign, "--store", store, "--name", name, "--board", board, "--trials", I(options.Trials)], ct) is not 0 and var code)
            return new CellResult(model, board, 0, [], null, $"hass run exited with {code}; see {name}.log in {options.Work}");

        var best = BestDesigns(store, name, options.Designs);
        if (best.Count == 0) return new CellResult(model, board, options.Trials, [], null, "no trial with a design");
        var rows = new List<DesignRow>();
        foreach (var trial in best)
        {
            string[] measure = ["board", "measure", name, "--trial", I(trial.Number), "--link", link, "--store", store, "--repeats", "1"];
            string[] latency = trial == best[0] ? ["--latency"] : [];
            string[] images = options.Images is { } count ? ["--images", I(count)] : [];
            string[] rotations = options.Rotations > 1 ? ["--rotations", I(options.Rotations)] : [];
            if (await hass.RunAsync([.. measure, .. images, "--warmup", I(options.Warmup), .. rotations, .. latency], ct) != 0)
                return new CellResult(model, board, options.Trials, rows, null, $"hass board measure of trial {trial.Number} failed; see {name}.log");
            var measurement = LatestMeasurement(store, trial.Design!);
            rows.Add(new DesignRow(trial.Number, measurement.PredictedImagesPerSecond, measurement.MedianImagesPerSecond,
                options.Rotations > 1 ? measurement.Repeats[0] : null));
        }
        var first = best[0];
        var measured = LatestMeasurement(store, first.Design!);
        if (measured.BatchOneLatencySeconds is not { } seconds) return new CellResult(model, board, options.Trials, rows, null, "the best design's measurement has no batch-1 latency");
        var latencyRow = new LatencyRow(first.Number, PredictedBatchOneSeconds(first.Design!.Performance, measured.ClockMhz), seconds);
        return new CellResult(model, board, options.Trials, rows, latencyRow);
    }

    /// <summary>The <paramref name="count"/> best trials by predicted throughput, one per design (a design is measured once: its hash keys the measurement).</summary>
    private static List<TrialRecord> BestDesigns(string path, string campaign, int count)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        return store.Trials(campaign)
            .Where(t => t.Design is not null && t.PredictedThroughput is not null)
            .OrderByDescending(t => t.PredictedThroughput).ThenBy(t => t.Number)
            .DistinctBy(t => t.Design!.DesignHash())
            .Take(count).ToList();
    }

    private static Measurement LatestMeasurement(string path, HardwareDesign design)
    {
        using var store = HassStore.Open(path, StoreAccess.Read);
        var hash = design.DesignHash();
        return store.Measurements().Where(m => m.DesignHash == hash).MaxBy(m => m.MeasuredAt)
               ?? throw new InvalidOperationException($"no measurement of design {hash[..12]} in {path}");
    }

    /// <summary>
    /// One image's predicted latency: the backend reports a batch's, (⌈interval⌉·B + depth) / clock for one configuration,
    /// so one image takes ⌈interval⌉ + depth cycles.
    /// </summary>
    public static double PredictedBatchOneSeconds(Performance performance, double clockMhz)
    {
        double clockHz = clockMhz * 1e6, interval = Math.Ceiling(performance.IntervalCycles);
        double depth = performance.LatencySeconds * clockHz - interval * performance.BatchSize;
        return (interval + depth) / clockHz;
    }
}
