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
