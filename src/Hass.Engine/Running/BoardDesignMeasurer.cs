using Hass.Abstractions;
using Hass.Board;

namespace Hass.Engine.Running;

/// <summary>The campaign runner's hardware in the loop: <see cref="BoardRunner"/> over serial or TCP (board or emulator).</summary>
public sealed class BoardDesignMeasurer : IDesignMeasurer
{
    public async Task<MeasuredBoardIdentity> IdentifyAsync(string link, CancellationToken cancellationToken)
    {
        var info = await BoardRunner.ProbeAsync(link, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MeasuredBoardIdentity(info.BoardId, info.Firmware);
    }

    public async Task<Measurement> MeasureAsync(string link, HardwareDesign design, DeployableNetwork network, MeasureOptions options,
        CancellationToken cancellationToken)
    {
        await using var runner = new BoardRunner(link);
        return await runner.MeasureAsync(design, network, options, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
