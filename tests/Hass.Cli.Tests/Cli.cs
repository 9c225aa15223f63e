namespace Hass.Cli.Tests;

/// <summary>Runs `hass` in-process with captured output, against the test plugins and fixture boards.</summary>
public static class Cli
{
    public static string RepoRoot { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("HASS.Engine.sln not found");
    }

    public static string TestPlugin(string name) => Path.Combine(RepoRoot, "artifacts", "testplugins", "Hass.TestPlugins." + name);
    public static string FixtureBoards => Path.Combine(RepoRoot, "tests", "Hass.IntegrationTests", "Fixtures", "boards");
    public static string SyntheticCampaign => Path.Combine(RepoRoot, "examples", "synthetic.json");

    public static string TempDir() => Hass.Testing.TestFolders.Create();

    public sealed record Result(int ExitCode, string Out, string Err);

    /// <summary>Runs with the synthetic plugin and fixture boards only (no built-ins), on the given store.</summary>
    public static async Task<Result> Run(string store, params string[] args)
    {
        string[] common = ["--no-builtin-plugins", "--no-builtin-boards", "--plugins", TestPlugin("Synthetic"), "--boards", FixtureBoards, "--store", store];
        return await RunRaw([.. args, .. common]);
    }

    public static async Task<Result> RunRaw(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error, interactive: false);
        return new Result(code, output.ToString(), error.ToString());
    }

    public static string WriteCampaign(string dir, Func<string, string> edit, string file = "campaign.json")
    {
        var path = Path.Combine(dir, file);
        File.WriteAllText(path, edit(File.ReadAllText(SyntheticCampaign)));
        return path;
    }
}
