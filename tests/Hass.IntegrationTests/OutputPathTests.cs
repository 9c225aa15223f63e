using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>An output path a model command cannot use is exit 2 before any work, and no file changes.</summary>
public class OutputPathTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("--out: '{dir}' is a folder; give a file path", "graph", "fmnist-vgg", "--out", "{dir}")]
    [InlineData("--out: '{dir}' is a folder; give a file path", "profile", "fmnist-vgg", "--out", "{dir}")]
    [InlineData("--out: '{dir}/fmnist-hass.json' is a file, so", "model", "export", "fmnist-vgg", "--out", "{dir}/fmnist-hass.json/w.pt")]
    [InlineData("--out: the checkpoint's metadata is written next to it as '{dir}/fmnist-hass.json', which exists and is not a checkpoint's metadata", "model", "train", "fmnist-vgg", "--force", "--out", "{dir}/fmnist-hass.dat")]
    public void A_model_command_refuses_an_output_path_it_cannot_use_and_changes_nothing(string expected, params string[] args)
    {
        var dir = HassProcess.TempDir();
        var campaign = Path.Combine(dir, "fmnist-hass.json");
        File.Copy(Path.Combine(HassProcess.RepoRoot, "examples", "fmnist-hass.json"), campaign);
        var before = Directory.GetFileSystemEntries(dir).ToDictionary(f => f, File.ReadAllBytes);

        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2),
            [.. args.Select(a => a.Replace("{dir}", dir)), "--store", Path.Combine(HassProcess.TempDir(), "hass.db")]);
        output.WriteLine($"exit {code}\nstdout: {stdout}\nstderr: {stderr}");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("error: " + expected.Replace("{dir}", dir), stderr);
        Assert.Equal(before, Directory.GetFileSystemEntries(dir).ToDictionary(f => f, File.ReadAllBytes));
    }
}
