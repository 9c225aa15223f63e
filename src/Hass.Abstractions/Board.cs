namespace Hass.Abstractions;

/// <summary>
/// A target board (boards/*.json). BRAM is counted in 18 Kb blocks, URAM in 288 Kb blocks.
/// <see cref="Link"/> is how a board runner reaches it: "serial:/dev/ttyUSB0@921600" or "tcp:host:port".
/// </summary>
public sealed record BoardSpec
{
    public const int SchemaVersion = 1;
    public int Schema { get; init; } = SchemaVersion;
    public required string Name { get; init; }
    public string Part { get; init; } = "";
    public string Description { get; init; } = "";
    public required int Dsp { get; init; }
    public required int Bram18 { get; init; }
    public int Uram { get; init; }
    public required int Lut { get; init; }
    public required int Ff { get; init; }
    public required double ClockMhz { get; init; }
    public required double MemoryBandwidthGbps { get; init; }
    public double ReconfigurationSeconds { get; init; }
    public int PortWidthBits { get; init; } = 512;
    public string? Link { get; init; }

    /// <summary>Checks ranges; returns the problems, empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name)) errors.Add("name: must not be empty");
        if (Dsp <= 0) errors.Add($"dsp: must be > 0 (got {Dsp})");
        if (Bram18 < 0) errors.Add($"bram18: must be >= 0 (got {Bram18})");
        if (Uram < 0) errors.Add($"uram: must be >= 0 (got {Uram})");
        if (Lut <= 0) errors.Add($"lut: must be > 0 (got {Lut})");
        if (Ff <= 0) errors.Add($"ff: must be > 0 (got {Ff})");
        if (!(ClockMhz > 0 && ClockMhz < 2000)) errors.Add($"clockMhz: must be in (0, 2000) (got {ClockMhz})");
        if (!(MemoryBandwidthGbps > 0)) errors.Add($"memoryBandwidthGbps: must be > 0 (got {MemoryBandwidthGbps})");
        if (ReconfigurationSeconds < 0) errors.Add($"reconfigurationSeconds: must be >= 0 (got {ReconfigurationSeconds})");
        if (PortWidthBits <= 0 || PortWidthBits % 8 != 0) errors.Add($"portWidthBits: must be a positive multiple of 8 (got {PortWidthBits})");
        return errors;
    }
}

/// <summary>
/// How to measure a design on a board or the emulator (boards/PROTOCOL.md §4.5): the one set of defaults for a
/// campaign's measure section, `hass board measure` and the board runner.
/// </summary>
public sealed record MeasureOptions
{
    public const int DefaultRepeats = 5, DefaultImages = 64, DefaultWarmupImages = 8;

    /// <summary>Measured runs; the measurement is their median.</summary>
    public int Repeats { get; init; } = DefaultRepeats;
    /// <summary>Images per run that are timed.</summary>
    public int Images { get; init; } = DefaultImages;
    /// <summary>Images per run streamed before timing starts (fill the pipeline).</summary>
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
}
