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
    [InlineData("{ \"name\": \"b\", \"dsp\": 0, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }", "$.dsp: must be more than 0 (got 0)")]
    [InlineData("{ \"name\": \"b\", \"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 5000, \"memoryBandwidthGbps\": 1 }", "clockMhz: must be in (0, 2000) (got 5000)")]
    [InlineData("{ \"name\": \"b\", \"dsp\": \"many\" }", "not a valid board description: $.dsp: must be a whole number more than 0 (got \"many\")")]
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
    public void A_board_folder_that_is_a_file_or_missing_says_which()
    {
        var file = Path.Combine(TestEnvironment.TempDir(), "boards");
        File.WriteAllText(file, "");
        var lib = new BoardLibrary();
        lib.AddFolder(file);
        lib.AddFolder(file + "-missing");
        Assert.Equal([$"board folder '{file}' is a file, not a folder; check --boards / HASS_BOARDS",
            $"board folder '{file}-missing' does not exist; check --boards / HASS_BOARDS"], lib.Errors);
    }

    [Fact]
    public void Duplicate_board_names_are_reported_and_the_first_is_kept()
    {
        // A board's name equals its file name, so the same name can only come from two folders.
        var text = File.ReadAllText(Path.Combine(TestEnvironment.FixtureBoards, "toy-board.json"));
        var lib = new BoardLibrary();
        foreach (var dir in new[] { TestEnvironment.TempDir(), TestEnvironment.TempDir() })
        {
            File.WriteAllText(Path.Combine(dir, "toy-board.json"), text);
            lib.AddFolder(dir);
        }
        Assert.Contains("board 'toy-board' is already defined in", Assert.Single(lib.Errors));
        Assert.Single(lib.Names);
    }

    private const string Valid = "\"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1";

    [Theory]
    [InlineData("b", "{ \"name\": \"b\", \"color\": \"red\", " + Valid + " }", "$.color: unknown field; known fields here: schema, name")]
    [InlineData("b", "{ \"name\": \"b\", \"Name\": \"b\", " + Valid + " }", "Name: given twice (as 'name' and 'Name'")]
    [InlineData("b", "{ \"name\": \"b\", \"dsp\": 2, " + Valid + " }", "dsp: given twice; keep one")]
    [InlineData("Big", "{ \"name\": \"Big\", " + Valid + " }", "$.name: 'Big' must be lower-case")]
    [InlineData("b", "{ \"name\": \"c\", " + Valid + " }", "$.name: 'c' must equal the file name 'b'")]
    [InlineData("b", "{ \"name\": \"b\\ud800\", " + Valid + " }", "name: the value is not valid Unicode text")]
    [InlineData("b", "[1]", "the top level must be a JSON object")]
    public void Board_files_follow_the_documented_rules(string fileName, string json, string expected)
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, fileName + ".json");
        File.WriteAllText(path, json);
        var lib = new BoardLibrary();
        lib.AddFolder(dir);
        var error = Assert.Single(lib.Errors);
        Assert.StartsWith($"board file '{path}': ", error);
        Assert.Contains(expected, error);
        Assert.Empty(lib.Names);
    }

    [Fact]
    public void Board_files_over_the_size_limit_are_refused()
    {
        var dir = TestEnvironment.TempDir();
        File.WriteAllText(Path.Combine(dir, "b.json"), "{ \"name\": \"b\", \"description\": \"" + new string('x', 100_000) + "\", " + Valid + " }");
        var lib = new BoardLibrary();
        lib.AddFolder(dir);
        Assert.Contains("is larger than 64 KiB", Assert.Single(lib.Errors));
    }

    [Fact]
    public void The_shipped_boards_load_under_the_rules()
    {
        var lib = new BoardLibrary();
        lib.AddFolder(Path.Combine(TestEnvironment.RepoRoot, "boards"));
        Assert.Empty(lib.Errors);
        Assert.Equal(9, lib.Names.Count);
    }
}
