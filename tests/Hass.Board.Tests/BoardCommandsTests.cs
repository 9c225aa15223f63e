using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Protocol;
using Hass.Board.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Board.Tests;

public class BoardCommandsTests
{
    [Fact]
    public void Board_links_register_as_serial_and_tcp_components()
    {
        using var provider = new ServiceCollection().AddHassBoardLinks().BuildServiceProvider();
        Assert.Equal("serial", provider.GetRequiredKeyedService<IBoardLinkFactory>("serial").Scheme);
        Assert.Equal("tcp", provider.GetRequiredKeyedService<IBoardLinkFactory>("tcp").Scheme);
        Assert.Equal(2, provider.GetServices<ComponentDescriptor>().Count(d => d.Kind == ComponentKind.BoardLink));
    }

    [Fact]
    public void Design_files_are_read_or_refused_with_the_path_in_the_message()
    {
        var dir = Directory.CreateTempSubdirectory("hass-board-test");
        try
        {
            var good = Path.Combine(dir.FullName, "design.json");
            HassJson.WriteFile(good, TinyNet.Design());
            Assert.Equal(TinyNet.Design().DesignHash(), BoardCommands.ReadDesign(good).DesignHash());
            var bad = Path.Combine(dir.FullName, "bad.json");
            File.WriteAllText(bad, "{ \"backend\": 3 ");
            Assert.Contains(bad, Assert.Throws<InvalidDataException>(() => BoardCommands.ReadDesign(bad)).Message);
            Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => BoardCommands.ReadDesign(Path.Combine(dir.FullName, "none.json"))).Message);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Descriptions_show_the_board_and_predicted_versus_measured()
    {
        var info = new BoardInfo { BoardName = "u250", Part = "xcu250", Firmware = "fw", BoardId = "SN1", ClockKHz = 250000, Dsp = 12288, Features = BoardFeatures.Emulated };
        Assert.Contains("250 MHz", BoardCommands.Describe(info));
        Assert.Contains("(emulated)", BoardCommands.Describe(info));
        var m = new Measurement
        {
            DesignHash = new string('a', 64), Board = "u250", BoardId = "SN1", Firmware = "fw", Fidelity = Fidelity.Emulated,
            MedianImagesPerSecond = 1000, PredictedImagesPerSecond = 1250, Repeats = [990, 1000, 1010], Spread = 0.02,
            LayerCycles = new Dictionary<string, double> { ["conv1"] = 250 }, ClockMhz = 250, Images = 30,
        };
        var text = BoardCommands.Describe(m, TinyNet.Design());
        Assert.Contains("measured/predicted = 0.8", text);
        Assert.Contains("conv1", text);
        Assert.Contains("1.25", text);
        Assert.DoesNotContain("batch-1", text);

        // With batch-1 latency: the mean in µs and in cycles at the board clock, and how many images it averages.
        var withLatency = BoardCommands.Describe(m with { BatchOneLatencySeconds = 16.9e-6, SingleImageLatencies = [16e-6, 17.8e-6] });
        Assert.Contains("batch-1    16.9 µs latency, 4225 cycles (mean of 2 images, each alone through the empty pipeline)", withLatency);
        var json = HassJson.Serialize(m with { BatchOneLatencySeconds = 16.9e-6, SingleImageLatencies = [16e-6, 17.8e-6] });
        var back = HassJson.Deserialize<Measurement>(json);
        Assert.Equal(16.9e-6, back.BatchOneLatencySeconds);
        Assert.Equal([16e-6, 17.8e-6], back.SingleImageLatencies);
        Assert.Null(HassJson.Deserialize<Measurement>(HassJson.Serialize(m)).BatchOneLatencySeconds);
    }

    [Fact]
    public void Designs_that_do_not_fit_the_connected_board_are_explained()
    {
        var info = new BoardInfo { BoardName = "zcu102", Part = "xczu9eg", Firmware = "fw", BoardId = "SN1", ClockKHz = 200000, Dsp = 2520, Bram18 = 1824, Lut = 274080, Ff = 548160 };
        var problems = BoardRunner.CheckCompatible(TinyNet.Design(dsp: 3000), info);
        Assert.Contains(problems, p => p.Contains("'u250'") && p.Contains("'zcu102'"));
        Assert.Contains(problems, p => p.Contains("needs 3000 DSP") && p.Contains("has 2520"));
        Assert.Empty(BoardRunner.CheckCompatible(TinyNet.Design(board: "zcu102"), info));
    }
}

public class MeasurementAnalysisTests
{
    [Fact]
    public void Ratios_per_layer_kind_compare_measured_with_predicted_cycles()
    {
        var design = TinyNet.Design();
        var m = new Measurement
        {
            DesignHash = design.DesignHash(), Board = "u250", BoardId = "x", Firmware = "f", Fidelity = Fidelity.Emulated,
            MedianImagesPerSecond = 800, PredictedImagesPerSecond = 1000,
            LayerCycles = new Dictionary<string, double> { ["conv1"] = 300, ["conv2"] = 100, ["conv3"] = 144, ["relu1"] = 64, ["relu2"] = 32, ["flatten"] = 5 },
        };
        var ratios = MeasurementAnalysis.LayerKindRatios(design, m);
        Assert.Equal(1.0, ratios["Conv/sparse"]);       // (300 + 100) / (200 + 200)
        Assert.Equal(1.0, ratios["Conv/dense"]);        // 144 / 144
        Assert.Equal(0.75, ratios["ReLU"]);             // (64 + 32) / (64 + 64)
        Assert.False(ratios.ContainsKey("Flatten"));    // predicted 0 cycles
        Assert.Equal(0.8, MeasurementAnalysis.ThroughputRatio(m));
        Assert.Equal(2, MeasurementAnalysis.LayerKindRatios(design, m, splitSparse: false).Count);
    }
}
