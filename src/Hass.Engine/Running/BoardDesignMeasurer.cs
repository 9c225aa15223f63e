using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Links;

namespace Hass.Engine.Running;

/// <summary>The trial pipeline's hardware in the loop: <see cref="BoardRunner"/> over the registered board links (board or emulator).</summary>
public sealed class BoardDesignMeasurer(BoardLinks links) : IDesignMeasurer
{
    public string CanonicalLink(string link) => links.Canonical(link);

    public async Task<MeasuredBoardIdentity> IdentifyAsync(string link, CancellationToken cancellationToken)
    {
        var info = await BoardRunner.ProbeAsync(link, links, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MeasuredBoardIdentity(info.BoardId, info.Firmware);
    }

    public async Task<Measurement> MeasureAsync(string link, HardwareDesign design, DeployableNetwork network, MeasureOptions options,
        CancellationToken cancellationToken)
    {
        await using var runner = new BoardRunner(link, links);
        return await runner.MeasureAsync(design, network, options, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
