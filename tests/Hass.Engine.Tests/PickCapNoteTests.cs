using Hass.Abstractions;
using Hass.Engine.Running;
using Hass.Testing;

namespace Hass.Engine.Tests;

/// <summary>The note under a pick of the final table: its sparsity cap and what the next folding level costs.</summary>
public class PickCapNoteTests
{
    private static readonly BoardSpec Board = new() { Name = "b", Dsp = 100, Bram18 = 10, Lut = 1000, Ff = 1000, ClockMhz = 1, MemoryBandwidthGbps = 1 };
    private static readonly NetworkGraph Graph = new() { Name = "g", Layers = [] };
    private static readonly SparsityProfile Profile = new() { Layers = [] };

    /// <summary>A design clocked at 1 MHz whose slowest stage has a floor of 400 cycles: its cap is 2,500 img/s.</summary>
    private static readonly HardwareDesign AtItsCap = new()
    {
        Backend = "recording", BackendVersion = "1", Board = "b", Graph = "g", Resources = ResourceUsage.Zero,
        Layers = [new LayerDesign { Layer = "relu", Kind = LayerKind.ReLU, Folding = LayerFolding.Unit, Cycles = 400, FloorCycles = 400 }],
        Partitions = [new PartitionDesign(0, ["relu"], 400, 4000, 1, ResourceUsage.Zero)],
        Performance = new Performance { ThroughputImagesPerSecond = 2000, IntervalCycles = 400, BottleneckLayer = "relu", BatchSize = 8 },
    };

    [Fact]
    public void The_note_gives_the_cap_and_the_board_scale_that_passes_it()
    {
        var note = PickCapNote.Of(AtItsCap, Profile, new RecordingBackend(b => b.Lut >= 1500 ? 3000 : 2000), Graph, Board, new DesignOptions(), CancellationToken.None)!;
        Assert.Equal(1.5, note.NextLevelBoardScale);
        Assert.Equal(SparsityCap.Of(AtItsCap)!.Describe() + "; the DSE passes this cap on a board with 1.50× these resources (3,000 img/s there)", note.Text);
    }

    [Fact]
    public void Without_a_profile_the_note_gives_the_cap_alone_and_without_a_cap_there_is_none()
    {
        var backend = new RecordingBackend(_ => throw new InvalidOperationException("not asked"));
        Assert.Equal(new PickCapNote(SparsityCap.Of(AtItsCap)!.Describe(), null, null), PickCapNote.Of(AtItsCap, null, backend, Graph, Board, new DesignOptions(), CancellationToken.None));
        Assert.Null(PickCapNote.Of(AtItsCap with { Partitions = [] }, Profile, backend, Graph, Board, new DesignOptions(), CancellationToken.None));
        Assert.Null(PickCapNote.Of(null, Profile, backend, Graph, Board, new DesignOptions(), CancellationToken.None));
        Assert.Empty(backend.Calls);
    }

    [Fact]
    public void A_backend_that_fails_on_a_larger_board_leaves_the_cap_and_says_so()
    {
        var backend = new RecordingBackend(_ => throw new ArgumentException("no such part"));
        var note = PickCapNote.Of(AtItsCap, Profile, backend, Graph, Board, new DesignOptions(), CancellationToken.None)!;
        Assert.Null(note.NextLevelBoardScale);
        Assert.EndsWith("; the next folding level could not be priced: recording failed on a larger board (no such part)", note.Text);
        Assert.Throws<OperationCanceledException>(() => PickCapNote.Of(AtItsCap, Profile, new RecordingBackend(_ => throw new OperationCanceledException()),
            Graph, Board, new DesignOptions(), CancellationToken.None));
    }
}
