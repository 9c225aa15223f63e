namespace Hass.Bench.Fidelity;

/// <summary>What one invocation runs: a short campaign per model × board, then its best designs on the emulator.</summary>
public sealed record FidelityOptions
{
    public required IReadOnlyList<string> Models { get; init; }
    public required IReadOnlyList<string> Boards { get; init; }
    public required int Trials { get; init; }
    public required int Designs { get; init; }
    /// <summary>Timed images per measurement; null: the design's batch size (hass board measure's default).</summary>
    public required int? Images { get; init; }
    public required int Warmup { get; init; }
    /// <summary>Runs per measurement that start at different images (hass board measure --rotations); 1: from image 0 only.</summary>
    public int Rotations { get; init; } = 1;
    public required string SparseCycles { get; init; }
    public required double TieResolution { get; init; }
    public required string Campaign { get; init; }
    public required string Hass { get; init; }
    public required string Work { get; init; }
    public required string? Results { get; init; }
}

/// <summary>
/// One design of a campaign: its trial, what the backend predicted for the measured run and what the emulator measured;
/// with rotations, <paramref name="FromFirstImage"/> is the run that started at image 0 alone.
/// </summary>
public sealed record DesignRow(int Trial, double Predicted, double Measured, double? FromFirstImage = null)
{
    public double Ratio => Predicted / Measured;
}

/// <summary>Batch-1 latency of a campaign's best design, in seconds: the prediction and the emulator's mean over the timed images, each run alone.</summary>
public sealed record LatencyRow(int Trial, double Predicted, double Measured)
{
    public double Ratio => Predicted / Measured;
}

/// <summary>What one model × board cell produced, or why it did not.</summary>
public sealed record CellResult(string Model, string Board, int Trials, IReadOnlyList<DesignRow> Designs, LatencyRow? Latency, string? Error = null)
{
    public string Name => $"fidelity-{Model}-{Board}";
}
