using Hass.Abstractions;

namespace Hass.Abstractions.Tests;

public class SdkTests
{
    private static Layer Conv(int c, int f, int h, int k, int groups = 1, bool bias = false) => new()
    {
        Name = "conv", Kind = LayerKind.Conv, InputShape = new(c, h, h), OutputShape = new(f, h, h),
        KernelRows = k, KernelCols = k, PadTop = k / 2, PadBottom = k / 2, PadLeft = k / 2, PadRight = k / 2, Groups = groups, HasBias = bias,
    };

    [Fact]
    public void Conv_macs_and_parameters_follow_groups_and_bias()
    {
        var dense = Conv(16, 32, 14, 3, bias: true);
        Assert.Equal(14L * 14 * 32 * 16 * 9, dense.Macs);
        Assert.Equal(32L * 16 * 9 + 32, dense.Parameters);
        var depthwise = Conv(32, 32, 14, 3, groups: 32);
        Assert.Equal(14L * 14 * 32 * 9, depthwise.Macs);
        Assert.Equal(32L * 9, depthwise.Parameters);
    }

    [Fact]
    public void Mean_sparsity_is_the_mean_over_channels_of_expected_zero_fraction()
    {
        // Channel 0: always 1 zero of 4; channel 1: half all-zero windows, half dense.
        var ls = new LayerSparsity { Layer = "conv", KernelSize = 4, Histogram = [[0, 1, 0, 0, 0], [0.5, 0, 0, 0, 0.5]] };
        Assert.Equal((0.25 + 0.5) / 2, ls.MeanSparsity(), 12);
        Assert.Equal([0.25, 0.5], ls.ChannelZeroFraction());
    }

    [Fact]
    public void Quantised_key_is_order_independent_and_rounds()
    {
        var a = new ParameterSet(new Dictionary<string, double> { ["w:b"] = 0.123456789, ["a:a"] = 1 });
        var b = new ParameterSet(new Dictionary<string, double> { ["a:a"] = 1, ["w:b"] = 0.1234567891 });
        Assert.Equal(a.QuantisedKey(), b.QuantisedKey());
        Assert.Equal("a:a=1;w:b=0.123457", a.QuantisedKey());
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Board_validation_names_each_bad_field()
    {
        var board = new BoardSpec { Name = "x", Dsp = 0, Bram18 = -1, Lut = 1, Ff = 1, ClockMhz = 0, MemoryBandwidthGbps = 1, PortWidthBits = 12 };
        var errors = board.Validate();
        Assert.Contains(errors, e => e.StartsWith("dsp:"));
        Assert.Contains(errors, e => e.StartsWith("bram18:"));
        Assert.Contains(errors, e => e.StartsWith("clockMhz:"));
        Assert.Contains(errors, e => e.StartsWith("portWidthBits:"));
        Assert.Equal(4, errors.Count);
    }

    [Fact]
    public void Search_space_contains_checks_every_dimension_kind()
    {
        var space = new SearchSpace([
            new SearchDimension { Name = "w:x", Low = 0, High = 1 },
            new SearchDimension { Name = "n", Kind = DimensionKind.Int, Low = 1, High = 4 },
            new SearchDimension { Name = "c", Kind = DimensionKind.Categorical, Choices = ["a", "b"] },
        ]);
        Assert.True(space.Contains(new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.5, ["n"] = 2, ["c"] = 1 })));
        Assert.False(space.Contains(new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.5, ["n"] = 2.5, ["c"] = 1 })));
        Assert.False(space.Contains(new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.5, ["n"] = 2, ["c"] = 2 })));
        Assert.False(space.Contains(new ParameterSet(new Dictionary<string, double> { ["w:x"] = 0.5 })));
    }

    [Fact]
    public void Json_round_trips_a_graph_with_string_enums()
    {
        var graph = new NetworkGraph { Name = "g", Layers = [Conv(1, 4, 8, 3)], Classes = 10 };
        var json = HassJson.Serialize(graph);
        Assert.Contains("\"kind\":\"conv\"", json);
        var back = HassJson.Deserialize<NetworkGraph>(json);
        Assert.Equal(graph.ContentHash(), back.ContentHash());
    }
}
