using Hass.Engine.Boards;

namespace Hass.Engine.Tests;

public class BoardLibraryTests
{
    [Fact]
    public void Fixture_board_loads()
    {
        var lib = TestEnvironment.Boards();
        Assert.Empty(lib.Errors);
        Assert.Equal(220, lib.Get("toy-board").Dsp);
    }

    [Theory]
    [InlineData("{ \"name\": \"b\", \"dsp\": 0, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }", "dsp: must be > 0 (got 0)")]
    [InlineData("{ \"name\": \"b\", \"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 5000, \"memoryBandwidthGbps\": 1 }", "clockMhz: must be in (0, 2000) (got 5000)")]
    [InlineData("{ \"name\": \"b\", \"dsp\": \"many\" }", "not a valid board description at dsp")]
    [InlineData("{ \"name\": \"b\" }", "not a valid board description")]
    [InlineData("{ nope", "not a valid board description")]
    public void Invalid_board_files_name_the_file_and_field(string json, string expected)
    {
        var dir = TestEnvironment.TempDir();
        File.WriteAllText(Path.Combine(dir, "bad.json"), json);
        var lib = new BoardLibrary();
        lib.AddFolder(dir);
        var error = Assert.Single(lib.Errors);
        Assert.Contains("bad.json", error);
        Assert.Contains(expected, error);
        Assert.Empty(lib.Names);
    }

    [Fact]
    public void Duplicate_board_names_are_reported_and_the_first_is_kept()
    {
        var dir = TestEnvironment.TempDir();
        var text = File.ReadAllText(Path.Combine(TestEnvironment.FixtureBoards, "toy-board.json"));
        File.WriteAllText(Path.Combine(dir, "a.json"), text);
        File.WriteAllText(Path.Combine(dir, "b.json"), text);
        var lib = new BoardLibrary();
        lib.AddFolder(dir);
        Assert.Contains("board 'toy-board' is already defined in", Assert.Single(lib.Errors));
        Assert.Single(lib.Names);
    }
}
