namespace Hass.Abstractions;

/// <summary>Per-stage wall-clock timings of a trial, in seconds.</summary>
public sealed record TrialTimings
{
    public double Ask { get; init; }
    public double Evaluate { get; init; }
    public double Profile { get; init; }
    public double Design { get; init; }
    /// <summary>Applying the (backend, board) calibration factor to the prediction.</summary>
    public double Calibrate { get; init; }
    public double Measure { get; init; }
    /// <summary>Computing the objective values.</summary>
    public double Score { get; init; }
    /// <summary>Re-scoring a new incumbent on the confirmation split (0 for the trials not confirmed).</summary>
    public double Confirm { get; init; }
    public double Store { get; init; }
    public double Total { get; init; }
}

/// <summary>A throughput measurement of one design on a board or emulator.</summary>
public sealed record Measurement
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string DesignHash { get; init; }
    public required string Board { get; init; }
    public required string BoardId { get; init; }
    public required string Firmware { get; init; }
    public required Fidelity Fidelity { get; init; }
    /// <summary>The median of the repeats; with several rotations the harmonic mean of each rotation's median (<see cref="MeasureOptions.Rotations"/>).</summary>
    public required double MedianImagesPerSecond { get; init; }
    /// <summary>How many different images the runs started at (<see cref="MeasureOptions.Rotations"/>).</summary>
    public int Rotations { get; init; } = 1;
    /// <summary>(max − min) / median of the repeats (of all rotations).</summary>
    public double Spread { get; init; }
    public IReadOnlyList<double> Repeats { get; init; } = [];
    public double PredictedImagesPerSecond { get; init; }
    public IReadOnlyDictionary<string, double> LayerCycles { get; init; } = new Dictionary<string, double>();
    public double ClockMhz { get; init; }
    public int Images { get; init; }
    /// <summary>
    /// Batch-1 latency in seconds: the mean over the timed images of each image's latency alone through the empty
    /// pipeline (<see cref="MeasureOptions.BatchOneLatency"/>); null when it was not measured.
    /// </summary>
    public double? BatchOneLatencySeconds { get; init; }
    /// <summary>The single-image latencies behind <see cref="BatchOneLatencySeconds"/>, in seconds, in the order of the timed images.</summary>
    public IReadOnlyList<double> SingleImageLatencies { get; init; } = [];
    public DateTimeOffset MeasuredAt { get; init; } = DateTimeOffset.UtcNow;
}

/// <summary>One walk of the trial loop, as stored.</summary>
public sealed record TrialRecord
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Campaign { get; init; }
    public required int Number { get; init; }
    public required TrialState State { get; init; }
    public required ParameterSet Parameters { get; init; }
    public string Origin { get; init; } = "";
    public double? Accuracy { get; init; }
    public int AccuracyImages { get; init; }
    public double? TestAccuracy { get; init; }
    public double WeightSparsity { get; init; }
    public double ActivationSparsity { get; init; }
    public double EffectiveSparsity { get; init; }
    public IReadOnlyDictionary<string, double> LayerSparsity { get; init; } = new Dictionary<string, double>();
    public HardwareDesign? Design { get; init; }
    public IReadOnlyList<double> ObjectiveValues { get; init; } = [];
    /// <summary>Accuracy drop on the search split minus the tolerance (≤ 0: feasible there).</summary>
    public double ConstraintViolation { get; init; }
    /// <summary>Feasible on the search split; a trial that then failed its confirmation is told infeasible (<see cref="ConfirmationDrop"/>).</summary>
    public bool Feasible { get; init; }
    /// <summary>Top-1 (percent) on the confirmation split when the engine confirmed the trial as a new incumbent; null otherwise.</summary>
    public double? ConfirmationTop1 { get; init; }
    /// <summary>Top-1 drop on the confirmation split against the dense network on the same images (points); null when not confirmed.</summary>
    public double? ConfirmationDrop { get; init; }
    /// <summary>
    /// The confirmation drop the trial had to stay within: tolerance − final.confirmMargin, or lower for a noisy design with
    /// final.confirmSigmas (tolerance − confirmSigmas × <see cref="ConfirmationStandardError"/>); null when not confirmed.
    /// </summary>
    public double? ConfirmationLimit { get; init; }
    /// <summary>
    /// Points added to the search split's drop when the trial is told to the strategy (final.calibrateSearchDrop): how much the
    /// confirmations before it found the search split under-estimating drops (the median excess); null when not calibrated.
    /// </summary>
    public double? SearchDropOffset { get; init; }
    /// <summary>
    /// The unpruned network's smoothed top-1 minus the trial's on the search split (points, <see cref="EvaluationOutcome.SoftTop1"/>):
    /// a far less noisy measure of what the pruning cost than the counted drop; null when the evaluator gives no smoothed top-1.
    /// </summary>
    public double? SmoothedDrop { get; init; }
    /// <summary>
    /// The counted top-1 drop on the search split when <see cref="ConstraintViolation"/> holds another: the one predicted from
    /// <see cref="SmoothedDrop"/> (final.predictSearchDrop) or the one pooled with <see cref="SecondLookDrop"/>; null otherwise.
    /// </summary>
    public double? CountedDrop { get; init; }
    /// <summary>
    /// The top-1 drop on the search's second-look images (final.secondLookImages) when the search-split drop lay near the tolerance;
    /// <see cref="ConstraintViolation"/> then holds the drop pooled over both image sets and <see cref="CountedDrop"/> the search split's. Null otherwise.
    /// </summary>
    public double? SecondLookDrop { get; init; }
    /// <summary>Standard error of <see cref="ConfirmationDrop"/> from the images the trial and the dense network disagree on (PairedDrop); null when not paired.</summary>
    public double? ConfirmationStandardError { get; init; }
    public Fidelity ThroughputFidelity { get; init; } = Fidelity.Analytical;
    public Fidelity AccuracyFidelity { get; init; } = Fidelity.Analytical;
    public double? PredictedThroughput { get; init; }
    public double? MeasuredThroughput { get; init; }
    public string? Error { get; init; }
    public bool EvaluationCacheHit { get; init; }
    public bool DesignCacheHit { get; init; }
    public TrialTimings Timings { get; init; } = new();
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset FinishedAt { get; init; }
}
