using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>
/// 8-bit designs (a campaign's quantisation section, `hass design --data-bits 8 --weight-bits 8`) against the
/// fpgaConvNet rules computed by hand: dsp_mult(8, 8) = 1 with two 8-bit multipliers packed per DSP (×0.5),
/// weight memories 8 bits wide, line buffers 8 bits per stream, off-chip words of 8 bits.
/// </summary>
public class BitWidthTests
{
    private static readonly DesignOptions Narrow = new() { DataBits = 8, WeightBits = 8 };

    private static NetworkGraph Graph()
    {
        var b = new GraphBuilder("widths");
        var x = b.Input(16, 28, 28);
        var conv = b.Conv("conv", x, 32, 3);
        b.Act("relu", conv, LayerKind.ReLU);
        return b.Build(0);
    }

    private static NodeCost Cost(DesignOptions options, LayerFolding folding) =>
        CostModel.Evaluate(NetworkModel.Build(Graph(), SparsityProfile.Dense("widths"), false, options).Nodes.Single(n => n.Name == "conv"), folding);

    [Fact]
    public void Eight_bit_multipliers_pack_two_per_dsp()
    {
        var folding = new LayerFolding(CoarseIn: 4, CoarseOut: 4, Fine: 9);   // 144 multipliers
        Assert.Equal(144, Cost(new DesignOptions(), folding).Resources.Dsp);  // 144 · dsp_mult(16, 16) = 144 · 1
        Assert.Equal(72, Cost(Narrow, folding).Resources.Dsp);               // ceil(144 · dsp_mult(8, 8) · 0.5)
        Assert.Equal(144, Cost(new DesignOptions { DataBits = 8 }, folding).Resources.Dsp);   // 8 × 16 bits: no packing
    }

    [Fact]
    public void Eight_bit_weights_and_data_halve_memories()
    {
        // One multiplier: 32·16·9 = 4608 weights deep. 16 bits: BRAM18 as 1024×18, ceil(4608/1024) = 5;
        // 8 bits: as 2048×9, ceil(4608/2048) = 3.
        Assert.Equal(5, Cost(new DesignOptions(), LayerFolding.Unit).WeightMemoryBram18);
        Assert.Equal(3, Cost(Narrow, LayerFolding.Unit).WeightMemoryBram18);
        // 3×3 sliding window, one stream of 16 channels, 30 padded columns. LUTs: st·dw·(6.5 + 3.9·2 + 2.5·3·2) = 29.3·dw;
        // window FIFOs 3 × lutram_queue(16, 2·dw) = 3 × ceil((2dw+1)/16) → 9 vs 6; frame registers 9 × lutram_queue(2, dw)
        // = 9 × ceil((dw+1)/16) → 18 vs 9; the line buffer (480 deep) is one BRAM18 either way.
        var wide = HardwareBlocks.SlidingWindow(1, 16, 30, 3, 3);
        var narrow = HardwareBlocks.SlidingWindow(1, 16, 30, 3, 3, dataBits: 8);
        Assert.Equal(29.3 * 16 + 9 + 18, wide.Lut, 6);
        Assert.Equal(29.3 * 8 + 6 + 9, narrow.Lut, 6);
        Assert.Equal((1, 1), (wide.Bram18, narrow.Bram18));
    }

    [Fact]
    public void A_whole_8_bit_design_records_its_widths_and_needs_fewer_dsps()
    {
        var board = Boards.Load("zedboard");
        var backend = new DataflowBackend(sparse: false);
        var wide = backend.Optimize(Graph(), SparsityProfile.Dense("widths"), board, new DesignOptions());
        var narrow = backend.Optimize(Graph(), SparsityProfile.Dense("widths"), board, Narrow);
        Assert.Null(wide.DataBits);
        Assert.Equal((8, 8), (narrow.DataBits, narrow.WeightBits));
        Assert.DoesNotContain("dataBits", HassJson.Serialize(wide));
        Assert.True(narrow.Performance.ThroughputImagesPerSecond >= wide.Performance.ThroughputImagesPerSecond,
            $"8-bit {narrow.Performance.ThroughputImagesPerSecond} vs 16-bit {wide.Performance.ThroughputImagesPerSecond} img/s");
        Assert.Throws<ArgumentException>(() => backend.Optimize(Graph(), SparsityProfile.Dense("widths"), board, new DesignOptions { DataBits = 12 }));
    }
}
