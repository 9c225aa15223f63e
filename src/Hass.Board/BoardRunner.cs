using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;

namespace Hass.Board;

/// <summary>Progress of a board operation: stage ("deploy", "images", "measure", "latency"), done of total units.</summary>
public sealed record BoardProgress(string Stage, long Done, long Total, string Message);

/// <summary>Deploy settings: block size of the resumable transfer, chunk size bounds.</summary>
public sealed record DeployOptions
{
    public int BlockSize { get; init; } = 256;
    /// <summary>Largest chunk payload; halved after a chunk needed a re-send, doubled after clean chunks.</summary>
    public int MaxChunkBytes { get; init; } = 16384;
    /// <summary>Times a transfer may be restarted (board reset or rebooted mid-transfer).</summary>
    public int Restarts { get; init; } = 5;
}

/// <summary>
/// Hardware in the loop: probe a board, deploy a design with its weights, measure its throughput.
/// Every failure ends in a <see cref="BoardException"/> or <see cref="BoardLinkException"/> with a clear message;
/// a measurement is returned only when every repeat completed and checked.
/// </summary>
public sealed class BoardRunner : IAsyncDisposable
{
    private readonly BoardSession _session;
    private readonly DeployOptions _deploy;

    public BoardRunner(string address, BoardLinks links, BoardClientOptions? clientOptions = null, DeployOptions? deployOptions = null)
    {
        _session = new BoardSession(address, links, clientOptions);
        _deploy = deployOptions ?? new DeployOptions();
    }

    public BoardSession Session => _session;

    /// <summary>The checked results of the runs of the last measurement (counters and predicted classes).</summary>
    public IReadOnlyList<RunResults> LastRuns { get; private set; } = [];

    /// <summary>Connects (if needed) and returns the board's INFO.</summary>
    public Task<BoardInfo> ProbeAsync(CancellationToken cancellationToken = default) => _session.ConnectAsync(cancellationToken);

    /// <summary>One-shot probe of the board at <paramref name="address"/>.</summary>
    public static async Task<BoardInfo> ProbeAsync(string address, BoardLinks links, BoardClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        await using var runner = new BoardRunner(address, links, options);
        return await runner.ProbeAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task<StatusReply> StatusAsync(CancellationToken cancellationToken = default)
    {
        var reply = await _session.RequestAsync(FrameType.Status, [], FrameType.StatusReply, cancellationToken).ConfigureAwait(false);
        return StatusReply.Decode(reply.Payload);
    }

    public async Task ResetAsync(bool dropDesign, CancellationToken cancellationToken = default) =>
        await _session.RequestAsync(FrameType.Reset, new ResetRequest(dropDesign).Encode(), FrameType.ResetDone, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Problems that make <paramref name="design"/> unfit for the connected board: another board name, or more
    /// resources than the board has. Empty when it fits.
    /// </summary>
    public static IReadOnlyList<string> CheckCompatible(HardwareDesign design, BoardInfo info, BoardSpec? expected = null)
    {
        var problems = new List<string>();
        if (!string.Equals(design.Board, info.BoardName, StringComparison.OrdinalIgnoreCase))
            problems.Add($"the design was made for board '{design.Board}' but the connected board is '{info.BoardName}' ({info.Part})");
        if (expected is not null && !string.Equals(expected.Name, info.BoardName, StringComparison.OrdinalIgnoreCase))
            problems.Add($"the board file names '{expected.Name}' but the connected board is '{info.BoardName}'");
        void Check(string what, double need, uint have)
        {
            if (need > have) problems.Add($"the design needs {need:0.#} {what} but board '{info.BoardName}' has {have}");
        }
        var r = design.Resources;
        Check("DSP", r.Dsp, info.Dsp);
        Check("BRAM18", r.Bram18, info.Bram18);
        Check("URAM", r.Uram, info.Uram);
        Check("LUT", r.Lut, info.Lut);
        Check("FF", r.Ff, info.Ff);
        return problems;
    }

    private async Task<BoardInfo> RequireCompatibleAsync(HardwareDesign design, BoardSpec? expected, CancellationToken cancellationToken)
    {
        var info = await _session.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var problems = CheckCompatible(design, info, expected);
        if (problems.Count > 0)
            throw new BoardException($"refusing to deploy design {design.DesignHash()[..12]} on {_session.Address}: {string.Join("; ", problems)}; make a design for this board (or connect the right board)", ErrorCode.DesignRejected);
        return info;
    }

    /// <summary>Uploads and commits the design with its weights; returns the design id the board assigned.</summary>
    public async Task<uint> DeployAsync(HardwareDesign design, DeployableNetwork network, IProgress<BoardProgress>? progress = null, BoardSpec? expected = null, CancellationToken cancellationToken = default)
    {
        await RequireCompatibleAsync(design, expected, cancellationToken).ConfigureAwait(false);
        var package = new DeploymentPackage(design, network).Encode();
        var committed = await TransferAsync(TransferSlot.Design, package, $"design {design.DesignHash()[..12]} ({design.Backend} on {design.Board})", "deploy", progress, cancellationToken).ConfigureAwait(false);
        return committed.Id;
    }

    /// <summary>Uploads an image set (N×C×H×W) for later runs.</summary>
    public async Task<int> UploadImagesAsync(TensorShape shape, float[] images, IProgress<BoardProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var bytes = ImageSet.Create(shape, images).Encode();
        var committed = await TransferAsync(TransferSlot.Images, bytes, $"{images.Length / shape.Elements} images {shape}", "images", progress, cancellationToken).ConfigureAwait(false);
        return (int)committed.Id;
    }

    private Task<Committed> TransferAsync(TransferSlot slot, byte[] data, string description, string stage, IProgress<BoardProgress>? progress, CancellationToken cancellationToken) =>
        BlockTransfer.SendAsync(_session, _deploy, slot, data, description, stage, progress, cancellationToken);

    /// <summary>Deploys <paramref name="design"/> and measures it: warm-up + repeats → median images/s at the board clock.</summary>
    public async Task<Measurement> MeasureAsync(HardwareDesign design, DeployableNetwork network, MeasureOptions? options = null, IProgress<BoardProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new MeasureOptions { Images = MeasureOptions.BatchImagesOf(design) };
        if (options.Repeats < 1 || options.Images < 1 || options.WarmupImages < 0 || options.Rotations < 1)
            throw new ArgumentException($"measure options: repeats ({options.Repeats}), images ({options.Images}) and rotations ({options.Rotations}) must be ≥ 1 and warmup ({options.WarmupImages}) ≥ 0");
        var shape = network.Graph.Layers[0].OutputShape;
        long uploaded = options.UploadImages is { } all ? all.LongLength / Math.Max(1, shape.Elements) : 0;
        if (options.UploadImages is not null && options.Rotations > uploaded)
            throw new ArgumentException($"measure options: rotations ({options.Rotations}) must not exceed the uploaded images ({uploaded}): each rotation starts at a different one");
        var info = await RequireCompatibleAsync(design, options.ExpectedBoard, cancellationToken).ConfigureAwait(false);
        uint designId = await PrepareAsync(design, network, options, progress, cancellationToken).ConfigureAwait(false);
        var source = options.UploadImages is null ? ImageSource.Generated : ImageSource.Uploaded;
        var recovery = new RebootRecovery(_deploy.Restarts, () => PrepareAsync(design, network, options, progress, cancellationToken));
        var allRuns = options with { Repeats = options.Repeats * options.Rotations };

        var rates = new List<double>();
        var rotationRates = new List<double>();
        var runs = new List<RunResults>();
        var layerTotals = new double[design.Layers.Count];
        long imagesMeasured = 0;
        uint clockKHz = info.ClockKHz;
        for (int rotation = 0; rotation < options.Rotations; rotation++)
        {
            // The first rotation runs on the set as PrepareAsync uploaded it; the others upload it rotated before each run
            // (again after a redeploy, which uploads the set unrotated).
            float[]? rotated = rotation > 0 && options.UploadImages is { } images ? Rotated(images, shape.Elements, rotation * uploaded / options.Rotations) : null;
            var repeatRates = new List<double>();
            for (int repeat = 0; repeat < options.Repeats; repeat++)
            {
                int run = rotation * options.Repeats + repeat;
                (var results, designId) = await recovery.RunAsync(designId, async id =>
                {
                    if (rotated is not null && (repeat == 0 || id != designId))
                        await UploadImagesAsync(shape, rotated, progress, cancellationToken).ConfigureAwait(false);
                    return await RunAsync(id, design, allRuns, source, run, "measure", progress, cancellationToken).ConfigureAwait(false);
                }, code => progress?.Report(new BoardProgress("measure", run, allRuns.Repeats, $"board lost its state ({code}); deploying again"))).ConfigureAwait(false);
                runs.Add(results);
                clockKHz = results.ClockKHz;
                repeatRates.Add(results.Images * (results.ClockKHz * 1000.0) / results.TotalCycles);
                for (int l = 0; l < layerTotals.Length; l++) layerTotals[l] += results.Layers[l].BusyCycles;
                imagesMeasured += results.Images;
            }
            rates.AddRange(repeatRates);
            rotationRates.Add(Statistics.Median(repeatRates));
        }
        LastRuns = runs;
        var latencies = options.BatchOneLatency
            ? await new BatchOneLatency(this, design, network, options, _deploy.Restarts).MeasureAsync(designId, progress, cancellationToken).ConfigureAwait(false)
            : [];
        return Summarise(design, options, _session.Info ?? info, rates,
            // With rotations the harmonic mean: the same images over the mean of the rotations' times.
            rotationRates.Count == 1 ? rotationRates[0] : rotationRates.Count / rotationRates.Sum(r => 1 / r), layerTotals, imagesMeasured, clockKHz) with
        {
            BatchOneLatencySeconds = latencies.Length > 0 ? latencies.Average() : null, SingleImageLatencies = latencies,
        };
    }

    /// <summary>The image set starting at image <paramref name="first"/>, the images before it moved to the end.</summary>
    private static float[] Rotated(float[] images, long elements, long first)
    {
        long offset = first * elements;
        return [.. images.AsSpan(checked((int)offset)), .. images.AsSpan(0, checked((int)offset))];
    }

    /// <summary>Deploys the design and uploads the images to run on (if any); returns the design id.</summary>
    private async Task<uint> PrepareAsync(HardwareDesign design, DeployableNetwork network, MeasureOptions options, IProgress<BoardProgress>? progress, CancellationToken cancellationToken)
    {
        uint id = await DeployAsync(design, network, progress, options.ExpectedBoard, cancellationToken).ConfigureAwait(false);
        if (options.UploadImages is { } images)
        {
            var shape = network.Graph.Layers[0].OutputShape;
            int count = await UploadImagesAsync(shape, images, progress, cancellationToken).ConfigureAwait(false);
            if (count < 1) throw new BoardException($"board at {_session.Address} accepted no images");
        }
        return id;
    }

    /// <summary>
    /// The measurement of the runs: <paramref name="imagesPerSecond"/> (the median of the repeats; with rotations the
    /// harmonic mean of the rotations' medians), the spread of all runs, mean busy cycles per layer and image.
    /// </summary>
    private static Measurement Summarise(HardwareDesign design, MeasureOptions options, BoardInfo info, List<double> rates, double imagesPerSecond, double[] layerTotals, long imagesMeasured, uint clockKHz)
    {
        return new Measurement
        {
            DesignHash = design.DesignHash(),
            Board = info.BoardName,
            BoardId = info.BoardId,
            Firmware = info.Firmware,
            Fidelity = info.Features.HasFlag(BoardFeatures.Emulated) ? Fidelity.Emulated : Fidelity.OnBoard,
            MedianImagesPerSecond = imagesPerSecond,
            Rotations = options.Rotations,
            Spread = (rates.Max() - rates.Min()) / imagesPerSecond,
            Repeats = rates,
            PredictedImagesPerSecond = RunPrediction.ImagesPerSecond(design, options.Images, options.WarmupImages),
            LayerCycles = design.Layers.Select((l, i) => (l.Layer, Cycles: layerTotals[i] / imagesMeasured)).ToDictionary(x => x.Layer, x => x.Cycles),
            ClockMhz = clockKHz / 1000.0,
            Images = (int)imagesMeasured,
        };
    }

    /// <summary>
    /// One checked RUN of <c>options.Images</c> + <c>options.WarmupImages</c> images (seed <c>options.Seed + repeat</c>),
    /// polled until done. Cancelled (Ctrl-C), it asks the board to abort the run (RESET 0) before it gives up, so the
    /// board does not go on running for nobody and the next session finds it idle.
    /// </summary>
    internal async Task<RunResults> RunAsync(uint designId, HardwareDesign design, MeasureOptions options, ImageSource source, int repeat, string stage, IProgress<BoardProgress>? progress, CancellationToken cancellationToken)
    {
        try
        {
            return await RunPolledAsync(designId, design, options, source, repeat, stage, progress, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await _session.TryAbortRunAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task<RunResults> RunPolledAsync(uint designId, HardwareDesign design, MeasureOptions options, ImageSource source, int repeat, string stage, IProgress<BoardProgress>? progress, CancellationToken cancellationToken)
    {
        var request = new RunRequest((uint)options.Images, (uint)options.WarmupImages, source, options.Seed + (ulong)repeat).Encode();
        var accepted = RunAccepted.Decode((await _session.RequestAsync(FrameType.Run, request, FrameType.RunAccepted, cancellationToken).ConfigureAwait(false)).Payload);
        if (accepted.DesignId != designId)
            throw new BoardException($"board at {_session.Address} runs design {accepted.DesignId}, not the one just deployed ({designId}); another host may be using it");
        var deadline = DateTime.UtcNow + options.RunTimeout;
        while (true)
        {
            var reply = await _session.RequestAsync(FrameType.Results, new ResultsRequest(accepted.RunId).Encode(), FrameType.RunResults, cancellationToken).ConfigureAwait(false);
            var results = RunResults.Decode(reply.Payload);
            if (results.State == RunState.Failed)
                throw new BoardException($"run {results.RunId} on {_session.Address} failed: {results.Message}");
            if (results.State == RunState.Done)
            {
                var problem = Check(results, accepted, designId, design, options);
                if (problem is not null) throw new BoardException($"board at {_session.Address} returned inconsistent results for run {results.RunId}: {problem}; not using them");
                progress?.Report(new BoardProgress(stage, repeat + 1, options.Repeats, $"run {repeat + 1}/{options.Repeats}: {results.Images * results.ClockKHz * 1000.0 / results.TotalCycles:0.##} img/s"));
                return results;
            }
            progress?.Report(new BoardProgress(stage, repeat, options.Repeats, $"run {repeat + 1}/{options.Repeats}: {results.ImagesDone}/{results.Images + results.Warmup} images"));
            if (DateTime.UtcNow > deadline)
                throw new BoardException($"run {results.RunId} on {_session.Address} did not finish within {options.RunTimeout.TotalSeconds:0} s");
            await Task.Delay(options.PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    private static string? Check(RunResults r, RunAccepted accepted, uint designId, HardwareDesign design, MeasureOptions options)
    {
        if (r.RunId != accepted.RunId) return $"run id {r.RunId} instead of {accepted.RunId}";
        if (r.DesignId != designId) return $"design id {r.DesignId} instead of {designId}";
        if (r.Images != options.Images || r.Warmup != options.WarmupImages) return $"{r.Images}+{r.Warmup} images instead of {options.Images}+{options.WarmupImages}";
        if (r.ImagesDone != r.Images + r.Warmup) return $"only {r.ImagesDone} of {r.Images + r.Warmup} images done";
        if (r.TotalCycles == 0) return "zero cycles";
        if (r.ClockKHz == 0) return "zero clock";
        if (r.Layers.Count != design.Layers.Count) return $"{r.Layers.Count} layer counters for a design of {design.Layers.Count} layers";
        return null;
    }

    public ValueTask DisposeAsync() => _session.DisposeAsync();
}
