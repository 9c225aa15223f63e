namespace Hass.Cli.Tests;

/// <summary>hass.json: paths relative to the file; a named file that is missing, a folder, or a path field that names nothing is refused.</summary>
public class HassConfigTests
{
    private static string Write(string json)
    {
        var path = Path.Combine(Cli.TempDir(), "conf.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void Paths_are_relative_to_the_file()
    {
        var path = Write("{ \"store\": \"runs/hass.db\", \"plugins\": [\"p\"], \"boards\": [\"../b\"] }");
        var dir = Path.GetDirectoryName(path)!;
        var config = HassConfig.Load(path);
        Assert.Equal(Path.Combine(dir, "runs", "hass.db"), config.Store);
        Assert.Equal([Path.Combine(dir, "p")], config.Plugins);
        Assert.Equal([Path.GetFullPath(Path.Combine(dir, "..", "b"))], config.Boards);
    }

    [Fact]
    public void Paths_in_a_linked_file_are_relative_to_the_links_folder()
    {
        var target = Write("{ \"store\": \"runs/hass.db\" }");
        var project = Cli.TempDir();
        var link = Path.Combine(project, "hass.json");
        File.CreateSymbolicLink(link, target);
        Assert.Equal(Path.Combine(project, "runs", "hass.db"), HassConfig.Load(link).Store);
    }

    [Fact]
    public void A_named_file_that_is_missing_or_a_folder_is_refused()
    {
        var dir = Cli.TempDir();
        var missing = Path.Combine(dir, "typo.json");
        Assert.Equal($"configuration file {missing} ($HASS_CONFIG) does not exist; fix $HASS_CONFIG or unset it",
            Assert.Throws<UsageException>(() => HassConfig.Load(missing)).Message);
        Assert.Equal($"configuration file {dir} ($HASS_CONFIG) is not valid: is a folder, not a file", Assert.Throws<UsageException>(() => HassConfig.Load(dir)).Message);
    }

    [Theory]
    [InlineData("{\"plugins\": [null]}", "plugins[0]: must be a folder path (got null)")]
    [InlineData("{\"boards\": [\"b\", \"\"]}", "boards[1]: must be a folder path (got an empty string)")]
    [InlineData("{\"boards\": null}", "boards: must be a list of folder paths (got null)")]
    [InlineData("{\"store\": \"\"}", "store: is empty; give the store file's path or leave the field out")]
    public void A_path_field_that_names_nothing_is_refused_naming_it(string json, string problem)
    {
        var path = Write(json);
        Assert.Equal($"configuration file {path} ($HASS_CONFIG) is not valid: {problem}", Assert.Throws<UsageException>(() => HassConfig.Load(path)).Message);
    }
}
