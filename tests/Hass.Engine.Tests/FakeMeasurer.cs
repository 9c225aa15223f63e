using Hass.Abstractions;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

/// <summary>Test-only measurer: "measures" a fixed fraction of the predicted throughput.</summary>
public sealed class FakeMeasurer(double ratio) : IDesignMeasurer
{
    public int Measured { get; private set; }
    /// <summary>Each measurement's timed and warm-up images, and the measured design's batch size.</summary>
    public List<(int Images, int Warmup, int BatchSize)> Runs { get; } = [];

    public Task<MeasuredBoardIdentity> IdentifyAsync(string link, CancellationToken cancellationToken) =>
        Task.FromResult(new MeasuredBoardIdentity("fake-" + link, "fw-1"));

    public Task<Measurement> MeasureAsync(string link, HardwareDesign design, DeployableNetwork network, MeasureOptions options, CancellationToken cancellationToken)
    {
        Measured++;
        Runs.Add((options.Images, options.WarmupImages, design.Performance.BatchSize));
        var value = design.Performance.ThroughputImagesPerSecond * ratio;
        return Task.FromResult(new Measurement
        {
            DesignHash = "", Board = options.ExpectedBoard!.Name, BoardId = "", Firmware = "", Fidelity = Fidelity.Emulated,
            MedianImagesPerSecond = value, Repeats = Enumerable.Repeat(value, options.Repeats).ToList(), Images = options.Images,
        });
    }
}
