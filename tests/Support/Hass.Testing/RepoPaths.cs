namespace Hass.Testing;

/// <summary>Paths of the repository the tests run in: its root (found from the test assembly), the deployed test plugins and the fixtures.</summary>
public static class RepoPaths
{
    public static string RepoRoot { get; } = FindRoot();
    public static string TestPlugin(string name) => Path.Combine(RepoRoot, "artifacts", "testplugins", "Hass.TestPlugins." + name);
    public static string FixtureBoards => Path.Combine(RepoRoot, "tests", "Hass.IntegrationTests", "Fixtures", "boards");
    public static string SyntheticCampaign => Path.Combine(RepoRoot, "examples", "synthetic.json");

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HASS.Engine.sln not found above " + AppContext.BaseDirectory);
    }
}
