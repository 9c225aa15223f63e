using System.CommandLine;

namespace Hass.Cli.Tests;

/// <summary>Path-valued options refuse an empty value at parse time, naming the option; other values pass untouched.</summary>
public class PathOptionsTests
{
    private static readonly Option<string?> File = new Option<string?>("--file").ForPaths();
    private static readonly Option<string[]> Folders = new Option<string[]>("--folder").ForPaths();

    private static ParseResult Parse(params string[] args) => new RootCommand { File, Folders }.Parse(args);

    [Fact]
    public void An_empty_value_is_refused_naming_the_option()
    {
        Assert.Equal(["--file: the path is empty; give a file or folder, or leave the option out"], Parse("--file", "").Errors.Select(e => e.Message));
        Assert.Equal(["--folder: the path is empty; give a file or folder, or leave the option out"], Parse("--folder", "a", "--folder", "").Errors.Select(e => e.Message));
    }

    [Fact]
    public void Paths_and_no_value_are_accepted()
    {
        var parse = Parse("--file", " x.json", "--folder", "a", "--folder", "b");
        Assert.Empty(parse.Errors);
        Assert.Equal(" x.json", parse.GetValue(File));
        Assert.Empty(Parse().Errors);
    }

    [Fact]
    public void An_empty_variable_is_not_set()
    {
        var name = "HASS_TEST_PATH_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, "");
        Assert.Null(PathOptions.FromEnvironment(name));
        Environment.SetEnvironmentVariable(name, "s.db");
        Assert.Equal("s.db", PathOptions.FromEnvironment(name));
        Environment.SetEnvironmentVariable(name, null);
    }
}
