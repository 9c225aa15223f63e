using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class RunPredictionTests
{
    private const double ClockHz = 200e6;

    /// <summary>One configuration, batch 4: interval 99.5 (⌈⌉ = 100) cycles, fill 50 cycles, so a batch takes 450 cycles.</summary>
    private static HardwareDesign Design(int partitions = 1, int weightsReloading = 1) => new()
    {
        Backend = "test", BackendVersion = "1", Board = "test", Graph = "g", Layers = [], Resources = ResourceUsage.Zero,
        Partitions = Enumerable.Range(0, partitions).Select(p => new PartitionDesign(p, ["conv"], 99.5, 450, weightsReloading, ResourceUsage.Zero)).ToList(),
        Performance = new Performance { ThroughputImagesPerSecond = 4 * ClockHz / 450, IntervalCycles = 99.5, BatchSize = 4 },
    };

    [Fact]
    public void A_run_of_one_batch_from_an_empty_pipeline_is_the_predicted_throughput()
    {
        var design = Design();
        Assert.Equal(design.Performance.ThroughputImagesPerSecond, RunPrediction.ImagesPerSecond(design, 4, 0), 6);
    }

    [Theory]
    [InlineData(1, 0, ClockHz / 150)]     // one image: interval + the whole fill
    [InlineData(2, 0, ClockHz / 125)]     // the fill shared by two images
    [InlineData(8, 2, ClockHz / 100)]     // after warm-up: the steady state, ⌈interval⌉ per image
    [InlineData(1, 1, ClockHz / 100)]
    public void Other_runs_pay_the_fill_once_per_run_or_not_at_all_after_warm_up(int images, int warmup, double expected) =>
        Assert.Equal(expected, RunPrediction.ImagesPerSecond(Design(), images, warmup), 6);

    [Fact]
    public void Several_configurations_or_weights_reloading_keep_the_batch_figure()
    {
        Assert.Equal(Design(partitions: 2).Performance.ThroughputImagesPerSecond, RunPrediction.ImagesPerSecond(Design(partitions: 2), 8, 2));
        Assert.Equal(Design(weightsReloading: 2).Performance.ThroughputImagesPerSecond, RunPrediction.ImagesPerSecond(Design(weightsReloading: 2), 8, 2));
    }

    [Fact]
    public void A_design_without_configurations_keeps_its_figure() =>
        Assert.Equal(Design(partitions: 0).Performance.ThroughputImagesPerSecond, RunPrediction.ImagesPerSecond(Design(partitions: 0), 8, 2));

    [Fact]
    public void Measuring_defaults_to_one_batch_of_the_design_from_an_empty_pipeline()
    {
        Assert.Equal(4, MeasureOptions.BatchImagesOf(Design()));
        Assert.Equal(0, new MeasureOptions().WarmupImages);
    }
}
