namespace Hass.Abstractions;

/// <summary>
/// What a design's prediction says of one board run of <c>images</c> timed images after <c>warmup</c> warm-up images,
/// so a measurement is compared with the same quantity. The backend predicts batches: B images from an empty pipeline
/// take ⌈interval⌉·B + depth cycles, the pipeline's fill (depth) once per batch. A run without warm-up starts from an
/// empty pipeline and pays the fill once over its images (a run of B images is exactly the predicted batch); a run
/// after warm-up images times the steady state, ⌈interval⌉ per image. A design with several configurations or with
/// weights reloading runs each batch in steps the run does not separate, so its batch figure stands.
/// </summary>
public static class RunPrediction
{
    public static double ImagesPerSecond(HardwareDesign design, int images, int warmup)
    {
        var performance = design.Performance;
        double batchThroughput = performance.ThroughputImagesPerSecond;
        if (design.Partitions is not [{ WeightsReloading: 1 } partition] || images < 1 || performance.BatchSize < 1
            || !(batchThroughput > 0) || !(partition.CyclesPerBatch > 0))
            return batchThroughput;
        double interval = Math.Ceiling(partition.IntervalCycles);
        double depth = Math.Max(0, partition.CyclesPerBatch - interval * performance.BatchSize);
        double cyclesPerImage = interval + (warmup > 0 ? 0 : depth / images);
        return batchThroughput * (partition.CyclesPerBatch / performance.BatchSize) / cyclesPerImage;
    }
}
