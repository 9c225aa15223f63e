using Hass.Abstractions;
using Hass.Backends.TestSupport;

namespace Hass.Backends.Dataflow.Tests;

public class BoardFileTests
{
    public static readonly string[] Expected = ["u250", "u200", "u50", "vcu1525", "zcu102", "zcu104", "zc706", "kv260", "zedboard"];

    [Fact]
    public void Every_board_file_loads_and_validates()
    {
        var files = Directory.GetFiles(Boards.Directory, "*.json");
        Assert.Equal(Expected.Order(), files.Select(Path.GetFileNameWithoutExtension).Order());
        foreach (var file in files)
        {
            var board = HassJson.ReadFile<BoardSpec>(file);
            Assert.Empty(board.Validate());
            Assert.Equal(Path.GetFileNameWithoutExtension(file), board.Name);
            Assert.False(string.IsNullOrWhiteSpace(board.Part));
            Assert.False(string.IsNullOrWhiteSpace(board.Description));
            Assert.Matches(@"^(serial:/dev/tty\w+@\d+|tcp:[\w.]+:\d+)$", board.Link);
        }
    }

    [Fact]
    public void Kv260_carries_the_k26_figures()
    {
        var kv = Boards.Load("kv260");
        Assert.Equal((1248, 288, 64, 117120, 234240), (kv.Dsp, kv.Bram18, kv.Uram, kv.Lut, kv.Ff));
        Assert.StartsWith("xck26", kv.Part);
    }

    [Fact]
    public void U250_matches_the_toolflow_platform()
    {
        var u = Boards.Load("u250");
        Assert.Equal((12288, 5376, 1280, 1728000, 3456000, 250.0, 614.4), (u.Dsp, u.Bram18, u.Uram, u.Lut, u.Ff, u.ClockMhz, u.MemoryBandwidthGbps));
    }
}
