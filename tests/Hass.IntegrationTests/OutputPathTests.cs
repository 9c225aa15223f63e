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

    [Fact]
    public void An_output_path_that_is_a_symbolic_link_is_replaced_and_its_target_left_alone()
    {
        var dir = HassProcess.TempDir();
        var precious = Path.Combine(dir, "precious.txt");
        File.WriteAllText(precious, "keep me");
        var link = Path.Combine(dir, "g.json");
        File.CreateSymbolicLink(link, precious);

        var (code, _, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), ["graph", "fmnist-vgg", "--out", link]);

        Assert.True(code == ExitCodes.Success, stderr);
        Assert.Equal("keep me", File.ReadAllText(precious));
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Contains("\"fmnist-vgg\"", File.ReadAllText(link));
        Assert.Equal(["g.json", "precious.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_trial_export_refuses_to_write_over_the_store_it_reads()
    {
        var dir = HassProcess.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var run = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2), ["run", HassProcess.SyntheticCampaign, "--trials", "1", .. HassProcess.Common(store)]);
        Assert.True(run.ExitCode == 0, run.Err);
        var link = Path.Combine(dir, "store-link.onnx");
        File.CreateSymbolicLink(link, store);
        var before = File.ReadAllBytes(store);

        foreach (var target in new[] { store, link })
        {
            var (code, _, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(2),
                ["model", "export", "synthetic", "--trial", "1", "--format", "onnx", "--out", target, .. HassProcess.Common(store)]);
            output.WriteLine($"exit {code}\nstderr: {stderr}");
            Assert.Equal(ExitCodes.InvalidInput, code);
            Assert.Contains($"is the store this command reads ({store})", stderr);
        }
        Assert.Equal(before, File.ReadAllBytes(store));
    }
}
