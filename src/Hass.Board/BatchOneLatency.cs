using Hass.Abstractions;
using Hass.Board.Protocol;

namespace Hass.Board;

/// <summary>
/// Batch-1 latency the way a lab measures it: every timed image alone through the empty pipeline, one RUN of 1 image
/// and no warm-up each (protocol §4.5: with warmup 0, totalCycles counts from the start, so it is that image's
/// latency). With uploaded images the timed image (index warm-up + i of the set, wrapping like the board does) is
/// uploaded alone before its run; with generated images run i takes the first image of seed <c>Seed + i</c>. Runs
/// after the throughput repeats, because it replaces the uploaded image set.
/// </summary>
internal sealed class BatchOneLatency(BoardRunner runner, HardwareDesign design, DeployableNetwork network, MeasureOptions options, int restarts)
{
    /// <summary>The latency of each timed image in seconds, in order.</summary>
    public async Task<double[]> MeasureAsync(uint designId, IProgress<BoardProgress>? progress, CancellationToken cancellationToken)
    {
        var single = options with { Images = 1, WarmupImages = 0, Repeats = options.Images };
        var source = options.UploadImages is null ? ImageSource.Generated : ImageSource.Uploaded;
        var shape = network.Graph.Layers[0].OutputShape;
        var latencies = new double[options.Images];
        var recovery = new RebootRecovery(restarts, () => runner.DeployAsync(design, network, progress, options.ExpectedBoard, cancellationToken));
        for (int i = 0; i < latencies.Length; i++)
        {
            int timed = i;
            (var results, designId) = await recovery.RunAsync(designId, async id =>
            {
                if (options.UploadImages is { } images)
                    await runner.UploadImagesAsync(shape, TimedImage(images, shape.Elements, timed), null, cancellationToken).ConfigureAwait(false);
                return await runner.RunAsync(id, design, single, source, timed, "latency", progress, cancellationToken).ConfigureAwait(false);
            }, code => progress?.Report(new BoardProgress("latency", timed, latencies.Length, $"board lost its state ({code}); deploying again"))).ConfigureAwait(false);
            latencies[i] = results.TotalCycles / (results.ClockKHz * 1000.0);
        }
        return latencies;
    }

    private float[] TimedImage(float[] images, long elements, int timed)
    {
        long count = images.LongLength / elements;
        long index = (options.WarmupImages + timed) % count;
        return images.AsSpan(checked((int)(index * elements)), checked((int)elements)).ToArray();
    }
}
