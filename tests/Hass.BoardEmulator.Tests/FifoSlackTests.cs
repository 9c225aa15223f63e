using Hass.Abstractions;
using Hass.BoardEmulator.Engine;

namespace Hass.BoardEmulator.Tests;

/// <summary>
/// The design's FIFO slack in the emulator's pipeline: two 1×1 convs in a chain, the first heavy in its top half and
/// the second in its bottom half, stall each other through shallow FIFOs and overlap through deep ones.
/// </summary>
public class FifoSlackTests
{
    private const int Rows = 8, Images = 12;

    private static Layer Conv(string name, string input) => new()
    {
        Name = name, Kind = LayerKind.Conv, Inputs = [input], InputShape = new TensorShape(4, Rows, Rows), OutputShape = new TensorShape(4, Rows, Rows),
        KernelRows = 1, KernelCols = 1,
    };

    private static double Interval(int slack)
    {
        var input = new Layer { Name = "input", Kind = LayerKind.Input, InputShape = new TensorShape(4, Rows, Rows), OutputShape = new TensorShape(4, Rows, Rows) };
        LayerPlan[] plans =
        [
            new() { Layer = input, Producers = [], Folding = LayerFolding.Unit },
            new() { Layer = Conv("a", "input"), Producers = [0], Folding = LayerFolding.Unit, FifoSlackRows = slack },
            new() { Layer = Conv("b", "a"), Producers = [1], Folding = LayerFolding.Unit, FifoSlackRows = slack },
        ];
        double[] heavyTop = [7, 7, 7, 7, 1, 1, 1, 1], heavyBottom = [1, 1, 1, 1, 7, 7, 7, 7];
        var traces = Enumerable.Repeat(new[] { new double[Rows], heavyTop, heavyBottom }, Images).ToList();
        var ends = new PipelineSimulator(plans).Run(traces, warmup: 0, CancellationToken.None).ImageEndCycles;
        return (ends[^1] - ends[1]) / (Images - 2);
    }

    [Fact]
    public void Deep_fifos_let_out_of_phase_layers_overlap_and_shallow_ones_stall_them()
    {
        // Each layer is busy 32 cycles per image: without stalls, one image leaves every 32 cycles.
        Assert.Equal(32, Interval(Rows), 9);
        Assert.True(Interval(LayerDesign.DefaultFifoSlackRows) > 1.2 * 32, $"interval with the default slack: {Interval(LayerDesign.DefaultFifoSlackRows)}");
        Assert.True(Interval(1) >= Interval(LayerDesign.DefaultFifoSlackRows));
    }
}
