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
