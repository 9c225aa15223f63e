using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// An output that lands in a folder nothing can be written to (a read-only file system, <see cref="ScratchFileSystem"/>)
/// is exit 2 naming the path, before any work: a training never runs to its end to fail there.
/// </summary>
public class UnwritableOutputTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("--out: '{ro}/g.json' cannot be written", "graph", "fmnist-vgg", "--out", "{ro}/g.json")]
    [InlineData("--out: '{ro}/sub/p.json' cannot be written", "profile", "fmnist-vgg", "--out", "{ro}/sub/p.json")]
    [InlineData("--out: '{ro}/w.pt' cannot be written", "model", "export", "fmnist-vgg", "--out", "{ro}/w.pt")]
    [InlineData("--out: '{ro}/t.dat' cannot be written", "model", "train", "fmnist-vgg", "--force", "--epochs", "1", "--out", "{ro}/t.dat")]
    [InlineData("the export folder '{ro}/d' cannot be written", "design", "--model", "fmnist-vgg", "--board", "zedboard", "--export", "fpgaconvnet", "{ro}/d")]
    [InlineData("the dataset folder '{ro}/ds' cannot be written", "dataset", "fetch", "--to", "{ro}/ds", "--mirror", "http://127.0.0.1:9/")]
    public void An_output_on_a_read_only_file_system_is_exit_2_before_any_work(string expected, params string[] args)
    {
        using var fs = ScratchFileSystem.Create(kib: 1024);
        fs.MakeReadOnly();
        var store = Path.Combine(HassProcess.TempDir(), "hass.db");

        var (code, stdout, stderr) = fs.RunHass([.. args.Select(a => a.Replace("{ro}", fs.Folder)), "--store", store]);
        output.WriteLine($"exit {code}\nstdout: {stdout}\nstderr: {stderr}");

        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.Contains("error: " + expected.Replace("{ro}", fs.Folder), stderr);
        Assert.DoesNotContain("Exception", stderr);
        Assert.DoesNotContain("training", stdout);
        Assert.Empty(Directory.GetFileSystemEntries(fs.Folder));
        Assert.False(File.Exists(store));
    }
}
