using Hass.Abstractions;

namespace Hass.Engine.Running;

/// <summary>How to measure one design (from the campaign's measure section and board).</summary>
public sealed record MeasureOptions
{
    public required string Link { get; init; }
    public required BoardSpec Board { get; init; }
    public int Repeats { get; init; } = 5;
    public int Images { get; init; } = 64;
    public int WarmupImages { get; init; } = 8;
    /// <summary>Images to upload (N×C×H×W, normalised as the model expects); null = generated on the board.</summary>
    public float[]? UploadImages { get; init; }
}

/// <summary>The board (or emulator) a measurer talks to; part of the measurement cache key.</summary>
public sealed record MeasuredBoardIdentity(string BoardId, string Firmware);

/// <summary>
/// Hardware in the loop, as the campaign runner sees it. The board runner (Hass.Board) is adapted to this
/// interface and registered in the host's services; the runner calls it only for the designs the campaign's
/// measure section selects, and stores and reuses the results.
/// </summary>
public interface IDesignMeasurer
{
    /// <summary>Connects (if needed) and says which board and firmware answer on the link.</summary>
    Task<MeasuredBoardIdentity> IdentifyAsync(MeasureOptions options, CancellationToken cancellationToken);

    /// <summary>Deploys the design and network and measures throughput (warm-up + repeats).</summary>
    Task<Measurement> MeasureAsync(HardwareDesign design, DeployableNetwork network, MeasureOptions options, CancellationToken cancellationToken);
}
