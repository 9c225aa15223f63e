namespace Hass.Cli.Tests;

/// <summary>Runs `hass` in-process with captured output, against the test plugins and fixture boards.</summary>
public static class Cli
{
    public static string RepoRoot => Hass.Testing.RepoPaths.RepoRoot;

    public static string TestPlugin(string name) => Hass.Testing.RepoPaths.TestPlugin(name);
    public static string FixtureBoards => Hass.Testing.RepoPaths.FixtureBoards;
    public static string SyntheticCampaign => Hass.Testing.RepoPaths.SyntheticCampaign;

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
