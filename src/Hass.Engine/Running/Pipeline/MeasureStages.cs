using System.Diagnostics;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Storage;

namespace Hass.Engine.Running.Pipeline;

/// <summary>The board of a campaign's measure section: identified once, measured by one trial at a time.</summary>
public sealed class MeasuredBoard(IDesignMeasurer measurer, string link, BoardSpec board) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _failures = new();
    private MeasuredBoardIdentity? _identity;

    public IDesignMeasurer Measurer => measurer;
    public string Link => link;
    public BoardSpec Board => board;
    /// <summary>Measurements asked for that failed in this run, and the last failure's message.</summary>
    public int Failures { get; private set; }
    public string? LastError { get; private set; }

    public void Failed(string message)
    {
        lock (_failures) { Failures++; LastError = message; }
    }

    /// <summary>Runs <paramref name="use"/> with the board to itself (a link carries one measurement at a time).</summary>
    public async Task<T> UseAsync<T>(Func<MeasuredBoardIdentity?, Task<T>> use, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try { return await use(_identity).ConfigureAwait(false); }
        finally { _gate.Release(); }
    }

    public async Task<MeasuredBoardIdentity> IdentityAsync(CancellationToken cancellationToken) =>
        await UseAsync(async known => _identity = known ?? await measurer.IdentifyAsync(link, cancellationToken).ConfigureAwait(false), cancellationToken)
            .ConfigureAwait(false);

    public void Dispose() => _gate.Dispose();
}

/// <summary>
/// The measure policy: a feasible trial whose throughput enters the top K so far, or every N-th feasible trial,
/// is measured; the measurement replaces the throughput. A failed measurement is a warning: the trial keeps its prediction. A
/// fault of the evaluator (an exported network or calibration images that fail their check) is no board's failure: it fails the trial.
/// </summary>
public sealed class MeasureStage(ITrialStage measure, MeasureSpec spec, MeasuredBoard board, ICampaignObserver observer) : ITrialStage
{
    public string Name => "measure";

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        if (!work.Record.Feasible || !ShouldMeasure(work.Previous, work.Throughput, spec)) return;
        try
        {
            await measure.RunAsync(work, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested) { throw; }
        catch (Exception e) when (e is not (StoreException or Plugins.PluginFaultException))
        {
            board.Failed(e.Message);
            observer.Warning($"measurement on {spec.Link} failed, the trial keeps its predicted throughput: {e.Message}");
            return;
        }
        if (work.Measurement is not { } m) return;
        work.MeasuredThroughput = m.MedianImagesPerSecond;
        work.Throughput = m.MedianImagesPerSecond;
        work.ThroughputFidelity = m.Fidelity;
    }

    public static bool ShouldMeasure(IReadOnlyList<TrialRecord> previous, double throughput, MeasureSpec measure)
    {
        var feasible = previous.Where(t => t.State == TrialState.Complete && t.Feasible).ToList();
        if (measure.Designs.EveryN > 0 && (feasible.Count + 1) % measure.Designs.EveryN == 0) return true;
        if (measure.Designs.TopK <= 0) return false;
        return feasible.Count(t => Objective.Throughput(t) > throughput) < measure.Designs.TopK;
    }
}

/// <summary>Deploys the trial's design and pruned network on the board and measures it (warm-up + repeats).</summary>
public sealed class MeasureDesignStage(MeasuredBoard board, MeasureSpec spec, ITrialEvaluator evaluator) : ITrialStage
{
    public string Name => "measure";

    /// <summary>The runs the measure section asks for on <paramref name="design"/> (no images attached yet).</summary>
    public MeasureOptions Options(HardwareDesign design) => new()
    {
        ExpectedBoard = board.Board, Repeats = spec.Repeats, Images = spec.Images ?? MeasureOptions.BatchImagesOf(design), WarmupImages = spec.WarmupImages,
        Rotations = spec.Rotations,
    };

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var network = evaluator.Export(work.Record.Parameters);
        var options = Options(work.Design!).WithImagesOf(evaluator);
        work.Measurement = await board.UseAsync(
            _ => board.Measurer.MeasureAsync(board.Link, work.Design!, network, options, cancellationToken), cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>
/// Stored measurements: a design already measured on the same board and firmware is not measured again; a new
/// measurement is stored and adds a measured/predicted sample to the calibration of its (backend, board).
/// </summary>
public sealed class StoredMeasurementStage(MeasureDesignStage inner, HassStore store, MeasuredBoard board, ICampaignObserver observer) : ITrialStage
{
    public string Name => inner.Name;

    public async Task RunAsync(TrialWork work, CancellationToken cancellationToken)
    {
        var design = work.Design!;
        var identity = await board.IdentityAsync(cancellationToken).ConfigureAwait(false);
        var designHash = design.DesignHash();
        if (store.GetMeasurement(designHash, identity.BoardId, identity.Firmware) is { } stored) { work.Measurement = stored; return; }
        await inner.RunAsync(work, cancellationToken).ConfigureAwait(false);
        var options = inner.Options(design);
        var m = work.Measurement! with
        {
            DesignHash = designHash, BoardId = identity.BoardId, Firmware = identity.Firmware,
            PredictedImagesPerSecond = RunPrediction.ImagesPerSecond(design, options.Images, options.WarmupImages),
        };
        if (!(m.MedianImagesPerSecond > 0) || !double.IsFinite(m.MedianImagesPerSecond))
            throw new InvalidOperationException($"the measurer returned an invalid throughput ({m.MedianImagesPerSecond})");
        var watch = Stopwatch.StartNew();
        // Under the board's gate: parallel trials must not both read the calibration and each drop the other's sample.
        await board.UseAsync(_ => Task.FromResult(Save(m, design.Backend, work.BottleneckKind)), cancellationToken).ConfigureAwait(false);
        work.StoreSeconds += watch.Elapsed.TotalSeconds;
        work.Measurement = m;
        observer.Info($"measured design {designHash[..12]} on {identity.BoardId}: {m.MedianImagesPerSecond:F1} img/s (predicted {m.PredictedImagesPerSecond:F1})");
    }

    private int Save(Measurement m, string backend, LayerKind? bottleneck)
    {
        store.SaveMeasurement(m);
        var calibration = store.GetCalibration(backend, board.Board.Name);
        if (calibration.Samples.All(s => s.DesignHash != m.DesignHash))
        {
            var sample = new CalibrationSample(m.DesignHash, m.PredictedImagesPerSecond, m.MedianImagesPerSecond, bottleneck);
            store.SaveCalibration(calibration with { Samples = [.. calibration.Samples, sample] });
        }
        return 0;
    }
}
