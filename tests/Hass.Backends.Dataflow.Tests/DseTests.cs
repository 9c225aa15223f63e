using Hass.Abstractions;
using Hass.Backends.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Backends.Dataflow.Tests;

public class DseTests
{
    private static readonly DataflowBackend Sparse = new(sparse: true);
    private static readonly DataflowBackend Dense = new(sparse: false);

    [Fact]
    public void Optimize_is_deterministic_and_evaluate_reproduces_its_folding()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var profile = SyntheticProfiles.Uniform(g, 0.5, seed: 3);
        var board = Boards.Load("zc706");
        var a = Sparse.Optimize(g, profile, board, new DesignOptions());
        var b = Sparse.Optimize(g, profile, board, new DesignOptions());
        Assert.Equal(a.DesignHash(), b.DesignHash());
        Assert.Single(a.Partitions);
        var again = Sparse.Evaluate(g, profile, board, a.Folding, new DesignOptions());
        Assert.Equal(a.Performance.ThroughputImagesPerSecond, again.Performance.ThroughputImagesPerSecond, 6);
        Assert.Equal(a.Performance.IntervalCycles, again.Performance.IntervalCycles);
        Assert.Contains(again.Notes, n => n.Contains("given folding"));
    }

    [Fact]
    public void Greedy_uses_the_board_and_beats_the_unit_folding()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var unit = Dense.Evaluate(g, SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding>(), new DesignOptions());
        var best = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        Assert.True(best.Performance.ThroughputImagesPerSecond > 20 * unit.Performance.ThroughputImagesPerSecond);
        Assert.True(best.Resources.Dsp > 0.5 * board.Dsp);
        Assert.Equal(best.Performance.IntervalCycles, best.Layers.Max(l => l.Cycles));
        Assert.Equal(best.Performance.BottleneckLayer, best.Layers.MaxBy(l => l.Cycles)!.Layer);
        // GOP/s counts the dense workload.
        Assert.Equal(g.DenseOperations * best.Performance.ThroughputImagesPerSecond / 1e9, best.Performance.GopPerSecond, 6);
        Assert.Equal(best.Performance.GopPerSecond / best.Resources.Dsp, best.Performance.GopPerSecondPerDsp, 9);
    }

    [Fact]
    public void Sparsity_speeds_up_a_dsp_bound_design()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var dense = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        var sparse = Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.7, 0.1), board, new DesignOptions());
        Assert.True(sparse.Performance.ThroughputImagesPerSecond > 1.3 * dense.Performance.ThroughputImagesPerSecond);
        Assert.Contains(sparse.Layers, l => l.Sparse && l.StreamChannels.Count == l.Folding.CoarseIn * l.Folding.CoarseGroup);
        Assert.All(dense.Layers, l => Assert.False(l.Sparse));
    }

    [Fact]
    public void Stream_channels_cover_every_channel_once()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var design = Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.6), Boards.Load("zc706"), new DesignOptions());
        foreach (var l in design.Layers.Where(l => l.Sparse))
        {
            var channels = g[l.Layer].InputShape.Channels;
            Assert.Equal(Enumerable.Range(0, channels), l.StreamChannels.SelectMany(s => s).Order());
        }
    }

    [Fact]
    public void Infeasible_folding_is_refused_with_the_layer_and_choices()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var bad = new Dictionary<string, LayerFolding> { ["features.2"] = new(CoarseIn: 5) };
        var e = Assert.Throws<ArgumentException>(() => Dense.Evaluate(g, SparsityProfile.Dense(), board, bad, new DesignOptions()));
        Assert.Contains("features.2", e.Message);
        Assert.Contains("coarseIn 5", e.Message);
        Assert.Contains("1, 2, 4, 8, 16, 32", e.Message);
        var unknown = new Dictionary<string, LayerFolding> { ["nope"] = LayerFolding.Unit };
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() => Dense.Evaluate(g, SparsityProfile.Dense(), board, unknown, new DesignOptions())).Message);
        var tooBig = new Dictionary<string, LayerFolding> { ["features.7"] = new(64, 64, 1, 9) };
        Assert.Contains("features.7", Assert.Throws<DesignDoesNotFitException>(() => Dense.Evaluate(g, SparsityProfile.Dense(), board, tooBig, new DesignOptions())).Message);
    }

    [Fact]
    public void Resource_allocation_is_respected()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var half = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions { ResourceAllocation = 0.5 });
        var full = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        Assert.True(half.Resources.FitsOn(board, 0.5));
        Assert.True(half.Performance.ThroughputImagesPerSecond <= full.Performance.ThroughputImagesPerSecond);
    }

    [Fact]
    public void Annealing_never_loses_to_the_greedy_interval()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zedboard");
        var profile = SyntheticProfiles.Uniform(g, 0.5, seed: 2);
        var greedy = Sparse.Optimize(g, profile, board, new DesignOptions());
        var annealed = Sparse.Optimize(g, profile, board, new DesignOptions { Anneal = true, Seed = 7 });
        Assert.True(annealed.Performance.IntervalCycles <= greedy.Performance.IntervalCycles);
        Assert.True(annealed.Resources.FitsOn(board));
        Assert.Equal(annealed.DesignHash(), Sparse.Optimize(g, profile, board, new DesignOptions { Anneal = true, Seed = 7 }).DesignHash());
    }

    [Fact]
    public void Memory_bandwidth_slows_the_design_down()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706") with { MemoryBandwidthGbps = 0.01 };
        var design = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        // 784 input words + 10 output words of 16 bits per image at 0.01 Gb/s.
        double limit = 0.01e9 / ((784 + 10) * 16.0);
        Assert.Equal("memory-bandwidth", design.Performance.BottleneckLayer);
        Assert.InRange(design.Performance.ThroughputImagesPerSecond, 0.9 * limit, limit);
        Assert.Contains(design.Notes, n => n.Contains("memory bandwidth"));
    }

    [Fact]
    public void Partitions_pay_reconfiguration_p_times_per_batch_and_p_minus_one_in_latency()
    {
        var g = ZooGraphs.FashionMnistCnn();
        // A board too small to hold the 3136×128 classifier with the convs (but each fits alone).
        var board = Boards.Load("zedboard") with { Name = "tiny", Bram18 = 40, Lut = 20000, Ff = 40000, Dsp = 40, ReconfigurationSeconds = 0.01 };
        var design = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        int p = design.Partitions.Count;
        Assert.True(p > 1);
        double seconds = design.Partitions.Sum(x => x.CyclesPerBatch) / (board.ClockMhz * 1e6);
        Assert.Equal(256 / (seconds + p * 0.01), design.Performance.ThroughputImagesPerSecond, 6);
        Assert.Equal(seconds + (p - 1) * 0.01, design.Performance.LatencySeconds, 9);
        Assert.True(design.Resources.FitsOn(board));
        var layersInOrder = design.Layers.Skip(1).Select(l => l.Partition).ToList();
        Assert.Equal(layersInOrder.Order(), layersInOrder); // contiguous partitions in topological order

        var single = new DesignOptions { AllowPartitions = false };
        Assert.Contains("allow partitions", Assert.Throws<DesignDoesNotFitException>(() => Dense.Optimize(g, SparsityProfile.Dense(), board, single)).Message);
    }

    [Fact]
    public void A_layer_too_large_for_any_configuration_gets_weights_reloading()
    {
        var b = new GraphBuilder("big-fc");
        var x = b.Input(512, 7, 7);
        x = b.Flatten("flatten", x);
        b.Linear("fc", x, 1024);     // 25.7 M weights = 411 Mb, the zedboard has 5 Mb of BRAM
        var g = b.Build(1024);
        var board = Boards.Load("zedboard");
        var design = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        var reloaded = design.Partitions.Single(p => p.WeightsReloading > 1);
        Assert.Contains("fc", reloaded.Layers);
        // Reloading moves the weights at min(port width 128, 34.112 Gb/s / 200 MHz = 170.6) = 128 bits per cycle.
        int wr = reloaded.WeightsReloading;
        double reload = (wr - 1) * Math.Ceiling(25088.0 * 1024 / wr * 16 / 128);
        Assert.Contains(design.Notes, n => n.Contains($"({reload:F0} reload cycles per batch)"));
        Assert.True(design.Resources.FitsOn(board));
        Assert.Contains(design.Notes, n => n.Contains("weights reloading"));
        Assert.Throws<DesignDoesNotFitException>(() => Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions { AllowWeightsReloading = false }));
    }

    [Fact]
    public void Uram_threshold_keeps_smaller_weight_memories_in_bram()
    {
        // No weight memory of ResNet-18 takes 100k BRAM18: with that threshold none moves to URAM.
        var g = ZooGraphs.ResNet18();
        var design = Dense.Optimize(g, SparsityProfile.Dense(), Boards.Load("u250"), new DesignOptions { UramMinBram18 = 100_000 });
        Assert.Equal(0, design.Resources.Uram);
        Assert.DoesNotContain(design.Notes, n => n.Contains("URAM"));
    }

    [Fact]
    public void Large_networks_use_uram_on_alveo()
    {
        var g = ZooGraphs.ResNet18();
        var design = Dense.Optimize(g, SparsityProfile.Dense(), Boards.Load("u250"), new DesignOptions());
        Assert.True(design.Resources.Uram > 0);
        Assert.Single(design.Partitions);
        Assert.True(design.Performance.ThroughputImagesPerSecond > 500);
    }

    [Fact]
    public void Invalid_options_and_graphs_are_refused_clearly()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        Assert.Contains("resourceAllocation", Assert.Throws<ArgumentException>(() => Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions { ResourceAllocation = 1.5 })).Message);
        Assert.Contains("batchSize", Assert.Throws<ArgumentException>(() => Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions { BatchSize = 0 })).Message);
        Assert.Contains("dsp", Assert.Throws<ArgumentException>(() => Dense.Optimize(g, SparsityProfile.Dense(), board with { Dsp = 0 }, new DesignOptions())).Message);
        var broken = g with { Layers = g.Layers.Select(l => l.Name == "features.2" ? l with { Inputs = ["missing"] } : l).ToList() };
        Assert.Contains("'missing'", Assert.Throws<ArgumentException>(() => Dense.Optimize(broken, SparsityProfile.Dense(), board, new DesignOptions())).Message);
    }

    [Fact]
    public void Sparse_backend_on_a_dense_profile_equals_the_dense_backend()
    {
        var g = ZooGraphs.MobileNetV2();
        var board = Boards.Load("zcu104");
        var a = Sparse.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        var b = Dense.Optimize(g, SyntheticProfiles.Uniform(g, 0.5), board, new DesignOptions());
        Assert.Equal(a.Performance.ThroughputImagesPerSecond, b.Performance.ThroughputImagesPerSecond);
        Assert.All(a.Layers, l => Assert.Empty(l.StreamChannels));
    }

    [Fact]
    public void Mobilenet_v3_on_u250_reaches_the_stem_input_bound()
    {
        // The 3-channel 226×226 padded input can enter the stem conv on at most 3 streams: 51076 cycles per image,
        // 4894.7 img/s at 250 MHz — the figure HASS reports for MobileNetV3 on U250 (4895 img/s).
        var g = ZooGraphs.MobileNetV3Large();
        // fpgaConvNet's average sparse figure, as HASS used it.
        var design = Sparse.Optimize(g, SyntheticProfiles.Uniform(g, 0.5), Boards.Load("u250"), new DesignOptions { SparseCycles = DesignOptions.AverageCycles });
        Assert.Equal(51076, design.Performance.IntervalCycles);
        Assert.Equal("features.0.0", design.Performance.BottleneckLayer);
        Assert.InRange(design.Performance.ThroughputImagesPerSecond, 0.9 * 4894.7, 4894.7);
    }

    [Fact]
    public void Plugin_registers_both_backends()
    {
        var services = new ServiceCollection();
        new DataflowPlugin().ConfigureServices(services);
        var provider = services.BuildServiceProvider();
        Assert.Equal(DataflowBackend.SparseName, provider.GetRequiredKeyedService<IAcceleratorBackend>("dataflow-sparse").Name);
        Assert.Equal(DataflowBackend.DenseName, provider.GetRequiredKeyedService<IAcceleratorBackend>("dataflow-dense").Name);
        Assert.Equal(2, provider.GetServices<ComponentDescriptor>().Count());
        // The final table's dense design: the sparse backend declares its dense twin.
        Assert.Equal(DataflowBackend.DenseName, provider.GetRequiredKeyedService<IAcceleratorBackend>("dataflow-sparse").DenseCounterpart);
        Assert.Null(provider.GetRequiredKeyedService<IAcceleratorBackend>("dataflow-dense").DenseCounterpart);
    }
}
