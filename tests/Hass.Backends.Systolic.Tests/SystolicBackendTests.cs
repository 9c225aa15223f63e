using Hass.Abstractions;
using Hass.Backends.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Backends.Systolic.Tests;

public class SystolicBackendTests
{
    private static readonly SystolicBackend Dense = new(sparse: false);
    private static readonly SystolicBackend Sparse = new(sparse: true);

    private static NetworkGraph OneConv()
    {
        var b = new GraphBuilder("one-conv");
        var x = b.Input(16, 8, 8);
        x = b.Conv("conv", x, 32, 3);
        b.Act("relu", x, LayerKind.ReLU);
        return b.Build(0);
    }

    [Fact]
    public void Conv_cycles_are_output_tiles_times_reduction_plus_fill()
    {
        // M = 64 pixels, N = 32 filters, Kd = 16·9 = 144. A 8×16 array: ceil(64/8)·ceil(32/16) = 16 tiles × 144 + 8 + 16.
        var board = Boards.Load("zc706") with { MemoryBandwidthGbps = 1000, PortWidthBits = 4096 };
        var design = Dense.Evaluate(OneConv(), SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding> { ["array"] = new(8, 16) }, new DesignOptions());
        var conv = design.Layers.Single(l => l.Layer == "conv");
        Assert.Equal(16 * 144 + 24, conv.Cycles);
        Assert.Equal(0, design.Layers.Single(l => l.Layer == "relu").Cycles); // fused into the conv
        Assert.Equal(128, design.Resources.Dsp);
        Assert.Equal(board.ClockMhz * 1e6 / conv.Cycles, design.Performance.ThroughputImagesPerSecond, 6);
    }

    [Fact]
    public void Bandwidth_roofline_bounds_a_layer()
    {
        // 1 Gb/s at 200 MHz = 5 bits per cycle; the conv moves (1024 + 2048) words of 16 bits + weights/batch.
        var board = Boards.Load("zc706") with { MemoryBandwidthGbps = 1 };
        var design = Dense.Evaluate(OneConv(), SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding> { ["array"] = new(8, 16) }, new DesignOptions { BatchSize = 1 });
        double bits = (1024 + 2048) * 16.0 + 32 * 16 * 9 * 16.0;
        Assert.Equal(bits / 5, design.Layers.Single(l => l.Layer == "conv").Cycles, 6);
    }

    [Fact]
    public void Zero_skipping_uses_the_profile_and_is_never_slower()
    {
        var g = ZooGraphs.FashionMnistCnn();
        var board = Boards.Load("zc706");
        var profile = SyntheticProfiles.Uniform(g, 0.6, 0.1);
        var dense = Dense.Optimize(g, SparsityProfile.Dense(), board, new DesignOptions());
        var sparse = Sparse.Optimize(g, profile, board, new DesignOptions());
        Assert.True(sparse.Performance.ThroughputImagesPerSecond > 1.3 * dense.Performance.ThroughputImagesPerSecond);
        Assert.Contains(sparse.Layers, l => l.Sparse);
        Assert.True(sparse.Resources.FitsOn(board));
        Assert.True(dense.Resources.FitsOn(board));
    }

    [Theory]
    [InlineData("resnet18", "u250")]
    [InlineData("mobilenet-v2", "zcu102")]
    [InlineData("fmnist-cnn", "zedboard")]
    public void Optimized_designs_fit_and_are_deterministic(string model, string boardName)
    {
        var g = ZooGraphs.ByName(model);
        var board = Boards.Load(boardName);
        var profile = SyntheticProfiles.Uniform(g, 0.5);
        var a = Sparse.Optimize(g, profile, board, new DesignOptions { ResourceAllocation = 0.8 });
        Assert.True(a.Resources.FitsOn(board, 0.8));
        Assert.Equal(a.DesignHash(), Sparse.Optimize(g, profile, board, new DesignOptions { ResourceAllocation = 0.8 }).DesignHash());
        var again = Sparse.Evaluate(g, profile, board, a.Folding, new DesignOptions { ResourceAllocation = 0.8 });
        Assert.Equal(a.Performance.ThroughputImagesPerSecond, again.Performance.ThroughputImagesPerSecond);
        Assert.Equal(g.DenseOperations * a.Performance.ThroughputImagesPerSecond / 1e9, a.Performance.GopPerSecond, 6);
    }

    [Fact]
    public void Evaluate_refuses_a_missing_or_oversized_array()
    {
        var board = Boards.Load("zedboard");
        Assert.Contains("\"array\"", Assert.Throws<ArgumentException>(() => Dense.Evaluate(OneConv(), SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding>(), new DesignOptions())).Message);
        Assert.Contains("zedboard", Assert.Throws<ArgumentException>(() => Dense.Evaluate(OneConv(), SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding> { ["array"] = new(64, 64) }, new DesignOptions())).Message);
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() => Dense.Evaluate(OneConv(), SparsityProfile.Dense(), board, new Dictionary<string, LayerFolding> { ["nope"] = new() }, new DesignOptions())).Message);
    }

    [Fact]
    public void Plugin_registers_both_backends()
    {
        var services = new ServiceCollection();
        new SystolicPlugin().ConfigureServices(services);
        var provider = services.BuildServiceProvider();
        Assert.Equal("systolic-sparse", provider.GetRequiredKeyedService<IAcceleratorBackend>("systolic-sparse").Name);
        Assert.Equal("systolic-dense", provider.GetRequiredKeyedService<IAcceleratorBackend>("systolic-dense").Name);
        Assert.Equal("systolic-dense", provider.GetRequiredKeyedService<IAcceleratorBackend>("systolic-sparse").DenseCounterpart);
        Assert.Null(provider.GetRequiredKeyedService<IAcceleratorBackend>("systolic-dense").DenseCounterpart);
    }
}
