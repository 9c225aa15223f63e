using Hass.Abstractions;
using Hass.Testing;

namespace Hass.Abstractions.Tests;

public class NextFoldingLevelTests
{
    /// <summary>A backend whose design is 100 img/s, or 200 img/s once the board has <paramref name="lutsForNextLevel"/> LUTs.</summary>
    private static RecordingBackend SteppedBackend(int lutsForNextLevel) => new(board => board.Lut >= lutsForNextLevel ? 200 : 100);

    private static readonly BoardSpec Board = new()
    {
        Name = "board", Dsp = 100, Bram18 = 50, Uram = 10, Lut = 1000, Ff = 2000, ClockMhz = 100, MemoryBandwidthGbps = 10,
    };

    private static readonly NetworkGraph Graph = new() { Name = "g", Layers = [] };
    private static readonly SparsityProfile Profile = new() { Layers = [] };
    private static readonly SparsityCap Cap = new(150, 1.5, 400, ["relu1"]);

    [Fact]
    public void The_price_is_the_smallest_board_scale_whose_design_passes_the_cap()
    {
        var backend = SteppedBackend(lutsForNextLevel: 1375);
        var level = NextFoldingLevel.Price(backend, Graph, Profile, Board, new DesignOptions(), Cap)!;
        Assert.InRange(level.BoardScale, 1.375, 1.375 + NextFoldingLevel.Precision);
        Assert.Equal(200, level.ImagesPerSecond);
        Assert.Equal(NextFoldingLevel.MaxScale, backend.Calls[0].Board.Lut / (double)Board.Lut);
        Assert.InRange(backend.Calls.Count, 2, 12);
        Assert.Equal("the DSE passes this cap on a board with 1.38× these resources (200 img/s there)", NextFoldingLevel.Describe(level));
    }

    [Fact]
    public void Past_the_largest_scale_there_is_no_price()
    {
        var backend = SteppedBackend(lutsForNextLevel: 4001);
        Assert.Null(NextFoldingLevel.Price(backend, Graph, Profile, Board, new DesignOptions(), Cap));
        Assert.Single(backend.Calls);
        Assert.Equal("the DSE does not pass this cap even on a board with 4× these resources", NextFoldingLevel.Describe(null));
    }

    [Fact]
    public void A_scaled_board_has_every_resource_scaled_and_keeps_its_clock_and_memory()
    {
        var scaled = NextFoldingLevel.Scaled(Board, 1.25);
        Assert.Equal((125, 62, 12, 1250, 2500), (scaled.Dsp, scaled.Bram18, scaled.Uram, scaled.Lut, scaled.Ff));
        Assert.Equal((Board.ClockMhz, Board.MemoryBandwidthGbps, Board.PortWidthBits), (scaled.ClockMhz, scaled.MemoryBandwidthGbps, scaled.PortWidthBits));
        Assert.Equal("board×1.25", scaled.Name);
        Assert.Empty(scaled.Validate());
    }
}
