using Hass.Abstractions;
using Hass.Board;
using Hass.Board.Links;

namespace Hass.Engine.Running;

/// <summary>The campaign runner's hardware in the loop: <see cref="BoardRunner"/> over the registered board links (board or emulator).</summary>
public sealed class BoardDesignMeasurer(BoardLinks links) : IDesignMeasurer
{
    public async Task<MeasuredBoardIdentity> IdentifyAsync(MeasureOptions options, CancellationToken cancellationToken)
    {
        var info = await BoardRunner.ProbeAsync(options.Link, links, cancellationToken: cancellationToken).ConfigureAwait(false);
        return new MeasuredBoardIdentity(info.BoardId, info.Firmware);
    }

    public async Task<Measurement> MeasureAsync(HardwareDesign design, DeployableNetwork network, MeasureOptions options, CancellationToken cancellationToken)
    {
        await using var runner = new BoardRunner(options.Link, links);
        return await runner.MeasureAsync(design, network, new Hass.Board.MeasureOptions
        {
            Repeats = options.Repeats,
            Images = options.Images,
            Warmup = options.WarmupImages,
            ExpectedBoard = options.Board,
            UploadImages = options.UploadImages,
        }, cancellationToken: cancellationToken).ConfigureAwait(false);
    }
}
