using Hass.Abstractions;

namespace Hass.Engine.Running;

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
    Task<MeasuredBoardIdentity> IdentifyAsync(string link, CancellationToken cancellationToken);

    /// <summary>The link in its canonical form; throws a <see cref="FormatException"/> naming the problem when it is malformed
    /// (checked when a campaign is validated, so a bad measure.link is refused before anything is stored).</summary>
    string CanonicalLink(string link) => link;

    /// <summary>Deploys the design and network and measures throughput (warm-up + repeats).</summary>
    Task<Measurement> MeasureAsync(string link, HardwareDesign design, DeployableNetwork network, MeasureOptions options, CancellationToken cancellationToken);
}
