using Hass.Abstractions;
using Hass.Backends.TestSupport;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>
/// The lane-aware figure against the board emulator's count (the ground truth) on a one-conv network: the profile is
/// counted by brute force on the images the emulator runs, the design is the backend's evaluation of a fixed folding.
/// </summary>
public class EmulatorAgreementTests
{
    private const int Channels = 3, Size = 6, Filters = 4;
    private static readonly BoardSpec Board = Boards.Load("u250");

    private static NetworkGraph Graph(int pad) => LayerModelTests.SingleConv(Channels, Size, Size, Filters, 3, pad: pad);

    private static float[] Values(Random rng, int count, double zeroFraction)
    {
        var v = new float[count];
        for (int i = 0; i < count; i++) v[i] = rng.NextDouble() < zeroFraction ? 0f : (float)(rng.NextDouble() + 0.5);
        return v;
    }

    /// <summary>Per-row histogram, histogram and per-filter non-zero products of every (window, filter) pair, by brute force.</summary>
    private static SparsityProfile Profile(NetworkGraph graph, float[] weights, IReadOnlyList<float[]> images, bool withSpread = false, int samplesFrom = -1)
    {
        var conv = graph.Layers[1];
        int pad = conv.PadTop, ho = conv.OutputShape.Rows, wo = conv.OutputShape.Cols;
        var rows = new double[ho][][];
        for (int r = 0; r < ho; r++) rows[r] = Enumerable.Range(0, Channels).Select(_ => new double[10]).ToArray();
        var nonZeros = Enumerable.Range(0, Channels).Select(_ => new double[Filters]).ToArray();
        double pairs = (double)images.Count * ho * wo * Filters;
        var perImage = new double[images.Count, ho, Channels];
        for (int image = 0; image < images.Count; image++)
            for (int c = 0; c < Channels; c++)
                for (int f = 0; f < Filters; f++)
                    for (int oy = 0; oy < ho; oy++)
                        for (int ox = 0; ox < wo; ox++)
                        {
                            int nnz = 0;
                            for (int ky = 0; ky < 3; ky++)
                                for (int kx = 0; kx < 3; kx++)
                                {
                                    int iy = oy - pad + ky, ix = ox - pad + kx;
                                    if (iy < 0 || iy >= Size || ix < 0 || ix >= Size) continue;
                                    if (images[image][(c * Size + iy) * Size + ix] != 0 && weights[((f * Channels + c) * 3 + ky) * 3 + kx] != 0) nnz++;
                                }
                            rows[oy][c][9 - nnz] += 1 / pairs;
                            perImage[image, oy, c] += nnz;
                            nonZeros[c][f] += nnz / (pairs / Filters);
                        }
        var histogram = Enumerable.Range(0, Channels).Select(c => Enumerable.Range(0, 10).Select(z => rows.Sum(r => r[c][z])).ToArray()).ToArray();
        var layer = new LayerSparsity { Layer = "conv", KernelSize = 9, Histogram = histogram, RowHistogram = rows, FilterNonZeros = nonZeros };
        if (withSpread) layer = layer with { RowNonZeroVariance = Spread(perImage, ho), RowTotalNonZeroVariance = TotalSpread(perImage, ho) };
        if (samplesFrom >= 0) layer = layer with { RowNonZeroSamples = Samples(perImage, ho, samplesFrom) };
        return new SparsityProfile { Layers = [layer] };
    }

    private static double Variance(IEnumerable<double> values)
    {
        var list = values.ToList();
        double mean = list.Average();
        return list.Average(v => (v - mean) * (v - mean));
    }

    private static double[][] Spread(double[,,] perImage, int rows) =>
        Enumerable.Range(0, rows).Select(r => Enumerable.Range(0, Channels)
            .Select(c => Variance(Enumerable.Range(0, perImage.GetLength(0)).Select(i => perImage[i, r, c]))).ToArray()).ToArray();

    private static double[] TotalSpread(double[,,] perImage, int rows) =>
        Enumerable.Range(0, rows).Select(r => Variance(Enumerable.Range(0, perImage.GetLength(0))
            .Select(i => Enumerable.Range(0, Channels).Sum(c => perImage[i, r, c])))).ToArray();

    /// <summary>[i][r][c]: the per-image counts of images <paramref name="from"/> on.</summary>
    private static int[][][] Samples(double[,,] perImage, int rows, int from) =>
        Enumerable.Range(from, perImage.GetLength(0) - from).Select(i => Enumerable.Range(0, rows)
            .Select(r => Enumerable.Range(0, Channels).Select(c => (int)perImage[i, r, c]).ToArray()).ToArray()).ToArray();

    private const int Timed = 12, Warmup = 4;

    private static (HardwareDesign Design, double EmulatedConvCycles, double EmulatedInterval) Run(int pad, double imageZeros, int distinctImages, DesignOptions options,
        int coarseIn = 1, bool withSpread = false, int coarseOut = 2, int samplesFrom = -1, int timed = Timed, int warmup = Warmup)
    {
        var graph = Graph(pad);
        var rng = new Random(11);
        var weights = Values(rng, Filters * Channels * 9, 0.5);
        var images = Enumerable.Range(0, distinctImages).Select(_ => Values(rng, Channels * Size * Size, imageZeros)).ToList();
        var profile = Profile(graph, weights, images, withSpread, samplesFrom);
        var folding = new Dictionary<string, LayerFolding> { ["conv"] = new(CoarseIn: coarseIn, CoarseOut: coarseOut, CoarseGroup: 1, Fine: 1) };
        var design = new DataflowBackend(sparse: true).Evaluate(graph, profile, Board, folding, options);
        var package = new DeploymentPackage(design, new DeployableNetwork(graph, [new LayerTensors("conv", weights, null)], new Dictionary<string, double>()));
        var network = new EmulatedNetwork(package, Board);
        var upload = ImageSet.Create(graph.Layers[0].OutputShape, images.SelectMany(i => i).ToArray());
        var results = RunExecutor.Execute(network, new RunRequest((uint)timed, (uint)warmup, ImageSource.Uploaded, 0), upload, 200_000);
        int conv = design.Layers.ToList().FindIndex(l => l.Layer == "conv");
        return (design, results.Layers[conv].BusyCycles / (double)timed, results.TotalCycles / (double)timed);
    }

    [Fact]
    public void Lane_max_equals_the_emulated_count_when_every_image_is_the_same_and_rows_split_the_lanes_alike()
    {
        // Dense activations, no padding: every window of a (channel, filter) pair has the same non-zero products, so
        // the lane shares hold row by row; one image repeated: the expected row is the row.
        var (design, emulated, interval) = Run(pad: 0, imageZeros: 0, distinctImages: 1, new DesignOptions());
        var conv = design.Layers.Single(l => l.Layer == "conv");
        Assert.True(conv.Sparse);
        Assert.Equal(emulated, conv.Cycles, 6);
        // The interval agrees up to the input port's fractional words (the emulator counts whole cycles per image).
        Assert.InRange(design.Performance.IntervalCycles / interval, 0.999, 1.001);
        var average = Run(pad: 0, imageZeros: 0, distinctImages: 1, new DesignOptions { SparseCycles = DesignOptions.AverageCycles }).Design;
        Assert.True(average.Layers.Single(l => l.Layer == "conv").Cycles < emulated, "the average figure misses the lane imbalance");
    }

    [Fact]
    public void Lane_max_is_within_a_few_percent_of_the_emulator_on_sparse_padded_images_and_closer_than_the_average()
    {
        var (design, emulated, _) = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions());
        double laneMax = design.Layers.Single(l => l.Layer == "conv").Cycles;
        double average = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions { SparseCycles = DesignOptions.AverageCycles }).Design.Layers.Single(l => l.Layer == "conv").Cycles;
        Assert.InRange(laneMax / emulated, 0.95, 1.02);
        Assert.True(Math.Abs(laneMax / emulated - 1) < Math.Abs(average / emulated - 1));
    }

    [Fact]
    public void Batch_one_latency_is_the_first_image_through_the_row_pipeline()
    {
        var one = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions { BatchSize = 1 }).Design.Performance;
        var many = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions { BatchSize = 256 }).Design.Performance;
        Assert.Equal(1, one.BatchSize);
        Assert.Equal(1 / one.LatencySeconds, one.ThroughputImagesPerSecond, 6);
        // One image fills the pipeline: more than one interval, far less than a batch of 256.
        Assert.InRange(one.LatencySeconds * Board.ClockMhz * 1e6, one.IntervalCycles, 3 * one.IntervalCycles);
        Assert.True(many.LatencySeconds > 200 * one.LatencySeconds / 3);
        Assert.True(many.ThroughputImagesPerSecond > one.ThroughputImagesPerSecond);
    }

    [Fact]
    public void A_run_of_one_batch_from_an_empty_pipeline_measures_the_predicted_throughput_and_a_warmed_up_run_the_steady_state()
    {
        // The prediction is a batch from an empty pipeline (the fill paid once per batch); a run after warm-up images
        // times the steady state instead, which is faster. RunPrediction says what each run should show. (One conv
        // fills in a few rows, so the two differ little here; on the zoo networks the fill is 2–3 intervals.)
        const int batch = 2;
        var options = new DesignOptions { BatchSize = batch };
        double clockHz = Board.ClockMhz * 1e6;
        var (design, _, fromEmpty) = Run(pad: 1, imageZeros: 0, distinctImages: 1, options, timed: batch, warmup: 0);
        var (_, _, warmedUp) = Run(pad: 1, imageZeros: 0, distinctImages: 1, options, timed: 12, warmup: 4);
        double batchPrediction = design.Performance.ThroughputImagesPerSecond;
        Assert.Equal(batchPrediction, RunPrediction.ImagesPerSecond(design, batch, 0), 6);
        double steady = RunPrediction.ImagesPerSecond(design, 12, 4);
        Assert.True(steady > batchPrediction, $"steady state {steady} img/s, batch of {batch} {batchPrediction} img/s");
        double fill = steady / batchPrediction - 1;
        // Each run agrees with its own prediction to a small fraction of the fill that tells them apart.
        Assert.InRange(clockHz / fromEmpty / batchPrediction - 1, -fill / 4, fill / 4);
        Assert.InRange(clockHz / warmedUp / steady - 1, -fill / 4, fill / 4);
    }

    [Fact]
    public void The_image_to_image_spread_brings_the_slowest_stream_closer_to_the_emulator()
    {
        // Three streams of one channel each: which stream is slowest changes from image to image, so the emulator pays
        // more than the slowest expected stream. The profile's variances give the expected slowest stream instead.
        var (fixedRows, emulated, _) = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions(), coarseIn: Channels);
        var spread = Run(pad: 1, imageZeros: 0.5, distinctImages: 16, new DesignOptions(), coarseIn: Channels, withSpread: true).Design;
        double without = fixedRows.Layers.Single(l => l.Layer == "conv").Cycles, with = spread.Layers.Single(l => l.Layer == "conv").Cycles;
        Assert.True(with > without, $"with the spread {with}, without {without}");
        Assert.True(Math.Abs(with / emulated - 1) < Math.Abs(without / emulated - 1), $"emulated {emulated}, with the spread {with}, without {without}");
    }

    [Fact]
    public void With_the_measured_images_as_samples_lane_max_equals_the_emulated_count()
    {
        // Three single-channel streams on one output lane at fine 1: each image's row costs its slowest stream, which the
        // samples give exactly; the emulator times images Warmup.. on, and those are the samples.
        var (design, emulated, interval) = Run(pad: 1, imageZeros: 0.5, distinctImages: Warmup + Timed, new DesignOptions(), coarseIn: Channels, coarseOut: 1, samplesFrom: Warmup);
        double predicted = design.Layers.Single(l => l.Layer == "conv").Cycles;
        Assert.InRange(predicted - emulated, 0, 1);   // the figure is rounded up to whole cycles
        // The row pipeline runs the sample images in turn, as the emulator runs its images.
        Assert.InRange(design.Performance.IntervalCycles / interval, 0.98, 1.02);
        var (spread, _, _) = Run(pad: 1, imageZeros: 0.5, distinctImages: Warmup + Timed, new DesignOptions(), coarseIn: Channels, coarseOut: 1, withSpread: true);
        Assert.True(Math.Abs(predicted - emulated) <= Math.Abs(spread.Layers.Single(l => l.Layer == "conv").Cycles - emulated));
    }

    [Fact]
    public void Samples_bring_several_lanes_close_to_the_emulated_count()
    {
        // Two lanes per stream: the samples carry channels, not lanes, so a stream's lane split is its mean one.
        var (design, emulated, _) = Run(pad: 1, imageZeros: 0.5, distinctImages: Warmup + Timed, new DesignOptions(), coarseIn: Channels, samplesFrom: Warmup);
        Assert.InRange(design.Layers.Single(l => l.Layer == "conv").Cycles / emulated, 0.97, 1.03);
    }
}
