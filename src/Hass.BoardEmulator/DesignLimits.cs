using System.Globalization;
using Hass.Abstractions;
using Hass.Board.Protocol;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator;

/// <summary>
/// What the emulator can hold: refuses at COMMIT, before anything is allocated for it, a design made for another
/// board, with negative or unknown resources, beyond the board's resources, or whose buffers (folding, shapes)
/// exceed the memory budget; and refuses a RUN whose images would not fit the budget. All sizes are computed in
/// floating point so that no product of hostile fields can overflow into a small number.
/// </summary>
public sealed class DesignLimits(BoardSpec board, long memoryBudgetBytes)
{
    /// <summary>Largest run the emulator accepts (timed + warm-up images).</summary>
    public const long MaxRunImages = 100_000;

    public BoardSpec Board { get; } = board;
    public long MemoryBudgetBytes { get; } = memoryBudgetBytes;
    /// <summary>Conformance fault: skip the design's board name check (a firmware that accepts foreign designs).</summary>
    public bool AcceptForeignDesigns { get; init; }

    /// <summary>Largest transfer one slot may stage: a quarter of the budget (staging, decoded copy, both slots), at most 1 GiB.</summary>
    public long MaxTransferBytes => Math.Min(1L << 30, MemoryBudgetBytes / 4);

    /// <summary>Throws <see cref="DesignRejectedException"/> when the emulator cannot hold <paramref name="package"/>.</summary>
    public void Check(DeploymentPackage package)
    {
        var design = package.Design;
        if (!AcceptForeignDesigns && !string.Equals(design.Board, Board.Name, StringComparison.OrdinalIgnoreCase))
            throw new DesignRejectedException($"the design was made for board '{design.Board}'; this board is '{Board.Name}'");
        CheckResources(design.Resources);
        double bytes = DesignBytes(package.Network.Graph, design);
        if (bytes > MemoryBudgetBytes)
            throw new DesignRejectedException($"the design's buffers need about {Size(bytes)}, more than the emulator's memory budget of {Size(MemoryBudgetBytes)} (--memory-budget)");
    }

    private void CheckResources(ResourceUsage r)
    {
        foreach (var (name, value) in new[] { ("DSP", r.Dsp), ("BRAM18", r.Bram18), ("URAM", r.Uram), ("LUT", r.Lut), ("FF", r.Ff) })
            if (!double.IsFinite(value) || value < 0)
                throw new DesignRejectedException($"the design's {name} usage {value.ToString(CultureInfo.InvariantCulture)} is not a count ≥ 0");
        if (!r.FitsOn(Board))
            throw new DesignRejectedException($"design needs DSP {r.Dsp:0}, BRAM18 {r.Bram18:0}, URAM {r.Uram:0}, LUT {r.Lut:0}, FF {r.Ff:0}; board '{Board.Name}' has {Board.Dsp}, {Board.Bram18}, {Board.Uram}, {Board.Lut}, {Board.Ff}");
    }

    /// <summary>Memory the design takes while images run: every parallel worker holds one image's layer outputs, row timings and lane counters.</summary>
    public static double DesignBytes(NetworkGraph graph, HardwareDesign design)
    {
        var folding = new Dictionary<string, LayerFolding>();
        foreach (var ld in design.Layers ?? []) folding[ld.Layer ?? ""] = ld.Folding ?? LayerFolding.Unit;
        double perImage = 0, held = 0;
        foreach (var layer in graph.Layers ?? [])
        {
            CheckShape(layer, layer.InputShape);
            CheckShape(layer, layer.OutputShape);
            double outputs = (double)layer.OutputShape.Channels * layer.OutputShape.Rows * layer.OutputShape.Cols;
            if (outputs > int.MaxValue) throw new DesignRejectedException($"layer '{layer.Name}' has {outputs:0} output values, more than one buffer can hold");
            perImage += 4 * outputs + 8 * Math.Max(1, layer.OutputShape.Rows);
            if (folding.TryGetValue(layer.Name, out var f) && f is not null)
            {
                double lanes = (double)f.CoarseIn * f.CoarseGroup * f.CoarseOut;
                if (lanes > int.MaxValue) throw new DesignRejectedException($"layer '{layer.Name}': folding {f} asks for {lanes:0} parallel lanes");
                perImage += 8 * Math.Max(0, lanes);
                held += 4 * Math.Max(0, (double)layer.InputShape.Channels);
            }
        }
        return held + perImage * Environment.ProcessorCount;
    }

    private static void CheckShape(Layer layer, TensorShape? shape)
    {
        if (shape is null || shape.Channels < 0 || shape.Rows < 0 || shape.Cols < 0)
            throw new DesignRejectedException($"layer '{layer.Name}' has a missing or negative shape ({shape?.ToString() ?? "none"})");
    }

    /// <summary>Why the board cannot run <paramref name="request"/> (null when it can); without a network only the image counts are checked.</summary>
    public string? RunProblem(RunRequest request, EmulatedNetwork? network)
    {
        ulong total = (ulong)request.Images + request.Warmup;
        if (request.Images == 0 || total > MaxRunImages)
            return $"a run needs 1..{MaxRunImages} images in total (got {request.Images} + {request.Warmup} warm-up)";
        if (network is null) return null;
        double rows = network.Graph.Layers.Sum(l => (double)Math.Max(1, l.OutputShape.Rows));
        double perImage = 4.0 * network.InputShape.Elements + 16 * rows + 2;
        double bytes = total * perImage + DesignBytes(network.Graph, network.Design);
        return bytes > MemoryBudgetBytes
            ? $"a run of {total} images needs about {Size(bytes)}, more than the emulator's memory budget of {Size(MemoryBudgetBytes)}; run fewer images"
            : null;
    }

    public static string Size(double bytes) => bytes >= 1 << 30
        ? (bytes / (1 << 30)).ToString("0.#", CultureInfo.InvariantCulture) + " GiB"
        : (bytes / (1 << 20)).ToString("0.#", CultureInfo.InvariantCulture) + " MiB";
}
