using System.ComponentModel.DataAnnotations;
using Hass.Abstractions.Configuration;

namespace Hass.Abstractions;

/// <summary>
/// A target board (boards/*.json). BRAM is counted in 18 Kb blocks, URAM in 288 Kb blocks.
/// <see cref="Link"/> is how a board runner reaches it: "serial:/dev/ttyUSB0@921600" or "tcp:host:port".
/// </summary>
public sealed record BoardSpec
{
    public const int SchemaVersion = 1;
    [Range(1.0, double.PositiveInfinity)] public int Schema { get; init; } = SchemaVersion;
    [Required] public required string Name { get; init; }
    public string Part { get; init; } = "";
    public string Description { get; init; } = "";
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public required int Dsp { get; init; }
    [Range(0.0, double.PositiveInfinity)] public required int Bram18 { get; init; }
    [Range(0.0, double.PositiveInfinity)] public int Uram { get; init; }
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public required int Lut { get; init; }
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public required int Ff { get; init; }
    [Range(0.0, 2000.0, MinimumIsExclusive = true, MaximumIsExclusive = true)] public required double ClockMhz { get; init; }
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public required double MemoryBandwidthGbps { get; init; }
    [Range(0.0, double.PositiveInfinity)] public double ReconfigurationSeconds { get; init; }
    [Range(8.0, double.PositiveInfinity), MultipleOf(8)] public int PortWidthBits { get; init; } = 512;
    public string? Link { get; init; }

    /// <summary>Checks ranges (the validation attributes above, through <see cref="ConfigJson"/>); returns the problems, empty when valid.</summary>
    public IReadOnlyList<string> Validate() => ConfigJson.Validate(this, "");
}

/// <summary>
/// How to measure a design on a board or the emulator (boards/PROTOCOL.md §4.5): the one set of defaults for a
/// campaign's measure section, `hass board measure` and the board runner.
/// </summary>
public sealed record MeasureOptions
{
    /// <summary>
    /// No warm-up by default: a run then starts from an empty pipeline like the predicted batch does, so with as many
    /// images as the design's batch (what `hass board measure` and a campaign's measure section run by default) the
    /// measurement is the quantity the search optimised (<see cref="RunPrediction"/>).
    /// </summary>
    public const int DefaultRepeats = 5, DefaultImages = 64, DefaultWarmupImages = 0;

    /// <summary>Timed images per run when none are asked for: one batch of the design (its predicted throughput's batch size).</summary>
    public static int BatchImagesOf(HardwareDesign design) => Math.Max(1, design.Performance.BatchSize);

    /// <summary>Measured runs (of each rotation); the measurement is their median.</summary>
    public int Repeats { get; init; } = DefaultRepeats;
    /// <summary>
    /// How many different images the runs start at (default 1: the first uploaded image). A batch from an empty pipeline
    /// pays the fill of its first image and the drain of its last, which change from image to image, while the
    /// prediction's fill is the mean over the profile's sample images. With R &gt; 1, rotation j streams the uploaded
    /// images from image ⌊j·N/R⌋ on (the set re-uploaded rotated, N images), <see cref="Repeats"/> runs each, and the
    /// measurement is the timed images over the mean of the rotations' median cycles. Generated images: every run has
    /// its own seed anyway. At most N with uploaded images.
    /// </summary>
    public int Rotations { get; init; } = 1;
    /// <summary>Images per run that are timed.</summary>
    public int Images { get; init; } = DefaultImages;
    /// <summary>Images per run streamed before timing starts (fill the pipeline: the run then times the steady state).</summary>
    public int WarmupImages { get; init; } = DefaultWarmupImages;
    /// <summary>Images to upload (N×C×H×W floats, normalised as the model expects); null = generated on the board.</summary>
    public float[]? UploadImages { get; init; }
    /// <summary>Seed of on-board generated images.</summary>
    public ulong Seed { get; init; } = 1;
    /// <summary>Longest a run may take before the measurement fails.</summary>
    public TimeSpan RunTimeout { get; init; } = TimeSpan.FromMinutes(10);
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(20);
    /// <summary>The board file the design was made for; when given, the connected board is checked against it too.</summary>
    public BoardSpec? ExpectedBoard { get; init; }
    /// <summary>
    /// Also measure batch-1 latency after the throughput runs: each timed image alone through the empty pipeline (one RUN
    /// of 1 image and no warm-up per timed image); <see cref="Measurement.BatchOneLatencySeconds"/> is their mean.
    /// </summary>
    public bool BatchOneLatency { get; init; }

    /// <summary>
    /// These options uploading the evaluator's real calibration images (warm-up and timed), so on-board zero
    /// skipping sees the activations the profile saw.
    /// </summary>
    public MeasureOptions WithImagesOf(ITrialEvaluator evaluator) => this with { UploadImages = evaluator.CalibrationImages(Images + WarmupImages) };
}
