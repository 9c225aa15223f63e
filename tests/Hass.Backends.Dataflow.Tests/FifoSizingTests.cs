using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

/// <summary>
/// FIFO sizing on two 1×1 convs in a chain whose rows are given: out of phase (the first heavy where the second is
/// light), they stall each other through shallow FIFOs; deeper FIFOs let them overlap, at a memory cost.
/// </summary>
public class FifoSizingTests
{
    private const int Rows = 8;
    private static readonly BoardSpec Board = Boards.Load("zc706");

    private static PartitionState Chain(Budget? budget = null, int channels = 16)
    {
        var b = new GraphBuilder("chain");
        var x = b.Input(channels, Rows, Rows);
        var a = b.Conv("a", x, channels, 1);
        b.Conv("b", a, channels, 1);
        var net = NetworkModel.Build(b.Build(0), SparsityProfile.Dense(), sparse: false, new DesignOptions());
        var unit = Enumerable.Repeat(LayerFolding.Unit, net.Nodes.Count).ToArray();
        return new PartitionState(net, Board, budget ?? Budget.For(Board, new DesignOptions()), [1, 2], unit);
    }

    /// <summary>Node 1 spends 7/8 of its cycles in its top half, node 2 in its bottom half (out of phase when <paramref name="uneven"/>).</summary>
    private static Func<int, double[][]> RowCycles(PartitionState s, bool uneven) => m =>
    {
        double perRow = s.EffectiveCycles(m) / Rows;
        var rows = Enumerable.Range(0, Rows).Select(r =>
        {
            bool top = r < Rows / 2;
            double weight = !uneven ? 1 : (m == 1) == top ? 1.75 : 0.25;
            return perRow * weight;
        }).ToArray();
        return [rows];
    };

    [Fact]
    public void Out_of_phase_neighbours_get_deeper_fifos_that_remove_their_stalls_and_pay_for_the_rows()
    {
        var s = Chain();
        var rows = RowCycles(s, uneven: true);
        double slowest = s.Bottleneck().Cycles, stalled = RowPipeline.Simulate(s, rows).IntervalCycles;
        Assert.True(stalled > 1.2 * slowest, $"base FIFOs: interval {stalled}, slowest layer {slowest}");
        var before = s.Total;

        int slack = FifoSizing.Size(s, new DesignOptions(), rows);

        Assert.True(slack > RowPipeline.BaseSlackRows);
        Assert.Equal(slack, s.SlackRows);
        Assert.InRange(RowPipeline.Simulate(s, rows).IntervalCycles / slowest, 1, 1 + FifoSizing.Tolerance);
        var extra = FifoSizing.ExtraMemory(s, 1) + FifoSizing.ExtraMemory(s, 2);
        Assert.True(extra.Bram18 + extra.Lut > 0, "the deeper FIFOs cost memory");
        Assert.Equal((before + extra).ToString(), s.Total.ToString());
        // The shallowest slack that removes the stalls: half the slack stalls again.
        s.SetSlackRows(slack / 2);
        Assert.True(RowPipeline.Simulate(s, rows).IntervalCycles > slowest * (1 + FifoSizing.Tolerance));
    }

    [Fact]
    public void Even_rows_keep_the_base_fifos_and_their_cost()
    {
        var s = Chain();
        var before = s.Total;
        Assert.Equal(RowPipeline.BaseSlackRows, FifoSizing.Size(s, new DesignOptions(), RowCycles(s, uneven: false)));
        Assert.Equal(before.ToString(), s.Total.ToString());
        Assert.Equal(default(Resources).ToString(), FifoSizing.ExtraMemory(s, 1).ToString());
    }

    [Fact]
    public void Without_room_for_more_memory_the_fifos_stay_at_the_base_slack()
    {
        var total = Chain().Total;
        var s = Chain(new Budget(total.Dsp, total.Bram18, total.Uram, Math.Ceiling(total.Lut), Math.Ceiling(total.Ff)));
        Assert.True(s.Fits());
        Assert.Equal(RowPipeline.BaseSlackRows, FifoSizing.Size(s, new DesignOptions(), RowCycles(s, uneven: true)));
        Assert.True(s.Fits());
    }

    [Fact]
    public void Deeper_fifos_that_overflow_the_bram_move_weights_to_uram_first()
    {
        var total = Chain(channels: 256).Total;
        Assert.True(total.Bram18 > 0);
        var full = new Budget(Board.Dsp, total.Bram18, Uram: 8, Math.Ceiling(total.Lut * 1.1), Board.Ff); // no LUTs to spare for LUTRAM
        var s = Chain(full, channels: 256);
        Assert.True(s.Fits());
        Assert.DoesNotContain(s.Members, s.WeightsInUram);

        int slack = FifoSizing.Size(s, new DesignOptions(), RowCycles(s, uneven: true));

        Assert.True(slack > RowPipeline.BaseSlackRows);
        Assert.True(s.Members.Any(s.WeightsInUram), $"slack {slack}; {s.Total}; weights {s.CostOf(1).WeightMemoryBram18}; budget {full}");
        Assert.True(s.Fits(), s.Total.ToString());
        var noUram = Chain(full with { Uram = 0 }, channels: 256);
        Assert.Equal(RowPipeline.BaseSlackRows, FifoSizing.Size(noUram, new DesignOptions(), RowCycles(noUram, uneven: true)));
    }

    [Fact]
    public void A_slack_below_one_row_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Chain().SetSlackRows(0));
    }
}
