using Hass.Abstractions;

namespace Hass.Backends.Systolic;

/// <summary>
/// A non-dataflow accelerator: one shared R×C output-stationary MAC array sized from the DSP budget runs the layers
/// one after another (layer by layer over the whole batch), with on-chip buffers for weights, inputs and outputs and an
/// off-chip bandwidth roofline. <c>systolic-sparse</c> skips zero products (weight·activation) using the profile's
/// histograms; <c>systolic-dense</c> does not. This is the "non-dataflow" comparison point of HASS.
/// </summary>
public sealed class SystolicBackend : IAcceleratorBackend
{
    /// <summary>Folding key of <see cref="Evaluate"/> that fixes the array: coarseIn = rows, coarseOut = columns.</summary>
    public const string ArrayKey = "array";
    public const int DataBits = 16, WeightBits = 16;
    /// <summary>LUT/FF per processing element (16-bit MAC, operand registers, control); zero skipping adds a selector.</summary>
    public const double LutPerPe = 60, FfPerPe = 90, SparseLutPerPe = 45, SparseFfPerPe = 40;
    /// <summary>Fixed LUT/FF of the controller, DMA engines and vector unit.</summary>
    public const double ControlLut = 8000, ControlFf = 12000;
    /// <summary>Share of the RAM budget given to the weight, input and output buffers.</summary>
    public const double WeightBufferShare = 0.4, InputBufferShare = 0.3, OutputBufferShare = 0.3;

    private readonly bool sparse;

    public SystolicBackend(bool sparse) => this.sparse = sparse;

    public string Name => sparse ? "systolic-sparse" : "systolic-dense";
    public string? DenseCounterpart => sparse ? "systolic-dense" : null;
    public string Description => sparse
        ? "non-dataflow baseline: one shared systolic MAC array with zero-product skipping, layer by layer, bandwidth roofline"
        : "non-dataflow baseline: one shared dense systolic MAC array, layer by layer, bandwidth roofline";
    public string Version => "1.0.0";

    public HardwareDesign Optimize(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, CancellationToken cancellationToken = default)
    {
        Check(graph, profile, board, options);
        int pes = MaxProcessingElements(board, options);
        HardwareDesign? best = null;
        // The only design choice: the array's aspect ratio. Try power-of-two column counts.
        for (int cols = 4; cols <= pes; cols *= 2)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int rows = pes / cols;
            if (rows < 1) break;
            var design = Build(graph, profile, board, options, rows, cols);
            if (best is null || design.Performance.ThroughputImagesPerSecond > best.Performance.ThroughputImagesPerSecond) best = design;
        }
        return best ?? Build(graph, profile, board, options, 1, Math.Max(1, pes));
    }

    public HardwareDesign Evaluate(NetworkGraph graph, SparsityProfile profile, BoardSpec board, IReadOnlyDictionary<string, LayerFolding> folding, DesignOptions options)
    {
        Check(graph, profile, board, options);
        foreach (var name in folding.Keys)
            if (name != ArrayKey && graph.Layers.All(l => l.Name != name))
                throw new ArgumentException($"folding names layer '{name}', which graph '{graph.Name}' does not have (the systolic backend only reads the \"{ArrayKey}\" entry)");
        // The array is one for all layers: the "array" entry, else the folding of any Conv/Linear layer (as in the
        // layers of a design this backend produced, so Evaluate(design.Folding) reproduces the design).
        if (!folding.TryGetValue(ArrayKey, out var array))
        {
            var fromLayer = graph.Layers.Where(l => l.Kind is LayerKind.Conv or LayerKind.Linear && folding.ContainsKey(l.Name)).Select(l => folding[l.Name]).FirstOrDefault();
            array = fromLayer ?? throw new ArgumentException($"the systolic backend needs a folding entry \"{ArrayKey}\" (or a Conv/Linear layer's folding) with coarseIn = array rows and coarseOut = array columns");
        }
        if (array.CoarseIn < 1 || array.CoarseOut < 1)
            throw new ArgumentException($"folding \"{ArrayKey}\": rows (coarseIn) and columns (coarseOut) must be ≥ 1 (got {array.CoarseIn}×{array.CoarseOut})");
        int pes = MaxProcessingElements(board, options);
        if ((long)array.CoarseIn * array.CoarseOut > pes)
            throw new ArgumentException($"folding \"{ArrayKey}\": a {array.CoarseIn}×{array.CoarseOut} array needs {array.CoarseIn * array.CoarseOut} processing elements, board '{board.Name}' allows {pes} at resource allocation {options.ResourceAllocation}");
        return Build(graph, profile, board, options, array.CoarseIn, array.CoarseOut);
    }

    /// <summary>Processing elements the DSP and LUT budgets allow (one 16×16 multiplier = one DSP each).</summary>
    public int MaxProcessingElements(BoardSpec board, DesignOptions options)
    {
        double a = options.ResourceAllocation;
        double lutPerPe = LutPerPe + (sparse ? SparseLutPerPe : 0), ffPerPe = FfPerPe + (sparse ? SparseFfPerPe : 0);
        double byDsp = Math.Floor(a * board.Dsp);
        double byLut = Math.Floor((a * board.Lut - ControlLut) / lutPerPe);
        double byFf = Math.Floor((a * board.Ff - ControlFf) / ffPerPe);
        int pes = (int)Math.Min(byDsp, Math.Min(byLut, byFf));
        if (pes < 1)
        {
            var lacking = new[] { ("DSP", byDsp), ("LUT", byLut), ("FF", byFf) }.Where(r => r.Item2 < 1).Select(r => r.Item1);
            throw new DesignDoesNotFitException($"board '{board.Name}' has no room for one MAC processing element at resource allocation {a}: not enough {string.Join(", ", lacking)}");
        }
        return pes;
    }

    private HardwareDesign Build(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options, int rows, int cols)
    {
        double clockHz = board.ClockMhz * 1e6;
        double ramFraction = double.IsNaN(options.RamAllocation) ? options.ResourceAllocation : options.RamAllocation;
        double bufferBits = Math.Floor(ramFraction * board.Bram18) * 18 * 1024 + Math.Floor(ramFraction * board.Uram) * 288 * 1024;
        double weightBuffer = WeightBufferShare * bufferBits, inputBuffer = InputBufferShare * bufferBits;
        double bitsPerCycle = Math.Min(board.PortWidthBits, options.ResourceAllocation * board.MemoryBandwidthGbps * 1e9 / clockHz);
        int batch = options.BatchSize;
        var layers = new List<LayerDesign>(graph.Layers.Count);
        double total = 0;
        string bottleneck = "";
        double worst = -1;
        foreach (var layer in graph.Layers)
        {
            var (compute, traffic, isSparse) = LayerWork(graph, layer, profile, rows, cols, weightBuffer, inputBuffer, batch);
            double memory = traffic / bitsPerCycle;
            double cycles = Math.Max(compute, memory);
            total += cycles;
            if (cycles > worst) { worst = cycles; bottleneck = layer.Name; }
            layers.Add(new LayerDesign
            {
                Layer = layer.Name, Kind = layer.Kind, Partition = 0, Folding = new LayerFolding(rows, cols),
                Cycles = cycles, Sparse = isSparse,
            });
        }
        int pes = rows * cols;
        var resources = new ResourceUsage(
            Dsp: pes,
            Bram18: Math.Floor(ramFraction * board.Bram18),
            Uram: Math.Floor(ramFraction * board.Uram),
            Lut: Math.Ceiling(ControlLut + pes * (LutPerPe + (sparse ? SparseLutPerPe : 0))),
            Ff: Math.Ceiling(ControlFf + pes * (FfPerPe + (sparse ? SparseFfPerPe : 0))));
        double throughput = clockHz / total;
        double gops = graph.DenseOperations * throughput / 1e9;
        return new HardwareDesign
        {
            Backend = Name, BackendVersion = Version, Board = board.Name, Graph = graph.Name, GraphHash = graph.ContentHash(),
            Layers = layers,
            Partitions = [new PartitionDesign(0, layers.Select(l => l.Layer).ToList(), total, total * batch, 1, resources)],
            Performance = new Performance
            {
                ThroughputImagesPerSecond = throughput,
                LatencySeconds = total * batch / clockHz,
                IntervalCycles = total,
                BottleneckLayer = bottleneck,
                GopPerSecond = gops,
                GopPerSecondPerDsp = gops / pes,
                BatchSize = batch,
            },
            Resources = resources,
            Notes = [$"{rows}×{cols} MAC array, layers run one after another; {bufferBits / 8 / 1024 / 1024:F1} MiB of on-chip buffers; {bitsPerCycle:F0} off-chip bits per cycle"],
        };
    }

    /// <summary>
    /// Cycles per image of one layer on the array and its off-chip traffic in bits per image. Conv/Linear are GEMMs of
    /// M = Ho·Wo output pixels × N = F/g filters × Kd = (C/g)·K: ceil(M/rows)·ceil(N/cols) output tiles per group, each
    /// taking Kd·density cycles, plus one array fill. Activations directly after a conv or linear are fused (free);
    /// other layers stream through a vector unit of <paramref name="cols"/> lanes.
    /// </summary>
    private (double Compute, double TrafficBits, bool Sparse) LayerWork(NetworkGraph graph, Layer layer, SparsityProfile profile, int rows, int cols,
        double weightBuffer, double inputBuffer, int batch)
    {
        double inBits = layer.InputShape.Elements * (double)DataBits, outBits = layer.OutputShape.Elements * (double)DataBits;
        switch (layer.Kind)
        {
            case LayerKind.Input:
                return (0, 0, false);
            case LayerKind.Conv or LayerKind.Linear:
            {
                int g = layer.Kind == LayerKind.Conv ? layer.Groups : 1;
                long m = (long)layer.OutputShape.Rows * layer.OutputShape.Cols;
                long n = layer.Filters / g;
                long kd = layer.Kind == LayerKind.Conv ? (long)(layer.InputShape.Channels / g) * layer.KernelSize : layer.InputShape.Elements;
                double density = 1;
                bool isSparse = false;
                if (sparse && profile.For(layer.Name) is { } stats)
                {
                    // Zero products are skipped, with perfect balance across PEs (an optimistic baseline).
                    density = 1 - stats.MeanSparsity();
                    isSparse = true;
                }
                double tiles = (double)g * Ceil(m, rows) * Ceil(n, cols);
                double compute = tiles * Math.Max(1, Math.Ceiling(kd * density)) + rows + cols;
                double weightBits = layer.Parameters * (double)WeightBits;
                // Weights are read once per batch if they fit the weight buffer, else once per input tile per image.
                double inputTiles = Math.Max(1, Math.Ceiling(inBits / inputBuffer));
                double weightTraffic = weightBits <= weightBuffer ? weightBits / batch : weightBits * inputTiles;
                return (compute, inBits + outBits + weightTraffic, isSparse);
            }
            case LayerKind.ReLU or LayerKind.ReLU6 or LayerKind.Hardswish or LayerKind.Hardsigmoid or LayerKind.LeakyReLU or LayerKind.Sigmoid
                when layer.Inputs.Count == 1 && graph.Layers.FirstOrDefault(l => l.Name == layer.Inputs[0]) is { Kind: LayerKind.Conv or LayerKind.Linear }:
                return (0, 0, false);
            case LayerKind.Flatten:
                return (0, 0, false);
            default:
            {
                // Vector unit: every input word once (pooling windows re-read from a line buffer).
                double words = layer.Kind == LayerKind.EltwiseAdd || layer.Kind == LayerKind.EltwiseMul || layer.Kind == LayerKind.Concat
                    ? layer.Inputs.Sum(i => (double)(graph.Layers.First(l => l.Name == i).OutputShape.Elements))
                    : layer.InputShape.Elements;
                return (Math.Ceiling(words / cols), words * DataBits + outBits, false);
            }
        }
    }

    private static double Ceil(long a, long b) => (a + b - 1) / b;

    private static void Check(NetworkGraph graph, SparsityProfile profile, BoardSpec board, DesignOptions options)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(board);
        var problems = board.Validate();
        if (problems.Count > 0) throw new ArgumentException($"board '{board.Name}' is invalid: {string.Join("; ", problems)}");
        if (!(options.ResourceAllocation > 0 && options.ResourceAllocation <= 1))
            throw new ArgumentException($"design options: resourceAllocation must be in (0, 1] (got {options.ResourceAllocation})");
        if (options.BatchSize < 1) throw new ArgumentException($"design options: batchSize must be ≥ 1 (got {options.BatchSize})");
        if (graph.Layers.Count == 0) throw new ArgumentException($"graph '{graph.Name}' has no layers");
    }
}
