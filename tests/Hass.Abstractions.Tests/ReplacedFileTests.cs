using Hass.Testing;

namespace Hass.Abstractions.Tests;

/// <summary>A file written beside its path and renamed into place: links replaced, failures leave what was there.</summary>
public class ReplacedFileTests
{
    [Fact]
    public void A_link_at_the_path_is_replaced_and_its_target_kept()
    {
        var dir = TestFolders.Create();
        var target = Path.Combine(dir, "precious.txt");
        File.WriteAllText(target, "keep me");
        var link = Path.Combine(dir, "out.json");
        File.CreateSymbolicLink(link, target);

        ReplacedFile.Write(link, temporary => File.WriteAllText(temporary, "new"));

        Assert.Equal("keep me", File.ReadAllText(target));
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(link));
        Assert.Equal(["out.json", "precious.txt"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_failed_write_leaves_the_old_file_and_no_temporary_one_and_names_the_path()
    {
        var dir = TestFolders.Create();
        var path = Path.Combine(dir, "sub", "out.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "old");

        var e = Assert.Throws<IOException>(() => ReplacedFile.Write(path, temporary =>
        {
            File.WriteAllText(temporary, "half");
            throw new IOException($"disk full while writing {temporary}");
        }));

        Assert.Equal($"disk full while writing {path}", e.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal(["out.json"], Directory.GetFileSystemEntries(Path.GetDirectoryName(path)!).Select(Path.GetFileName));
    }

    [Fact]
    public void Files_written_together_replace_nothing_when_a_later_one_fails_for_any_reason()
    {
        var dir = TestFolders.Create();
        var network = Path.Combine(dir, "net.onnx");
        var config = Path.Combine(dir, "net.fpgaconvnet.json");
        File.WriteAllText(network, "old network");

        Assert.Throws<InvalidOperationException>(() => ReplacedFile.WriteAll(
        [
            (network, temporary => File.WriteAllText(temporary, "new network")),
            (config, temporary =>
            {
                File.WriteAllText(temporary, "half");
                throw new InvalidOperationException("the exporter's bug");
            }),
        ]));

        Assert.Equal("old network", File.ReadAllText(network));
        Assert.Equal(["net.onnx"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName));
    }

    [Fact]
    public void Files_written_together_all_land_when_every_write_succeeds()
    {
        var dir = TestFolders.Create();
        var network = Path.Combine(dir, "net.onnx");
        var config = Path.Combine(dir, "net.fpgaconvnet.json");
        File.WriteAllText(config, "old config");

        ReplacedFile.WriteAll([(network, t => File.WriteAllText(t, "network")), (config, t => File.WriteAllText(t, "config"))]);

        Assert.Equal(("network", "config"), (File.ReadAllText(network), File.ReadAllText(config)));
        Assert.Equal(["net.fpgaconvnet.json", "net.onnx"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Theory]
    [InlineData(1)]   // while the first file is written: the second is never begun
    [InlineData(2)]   // while the last file is written: nothing is moved
    public void A_token_cancelled_while_files_are_written_together_replaces_nothing_and_leaves_no_temporary_file(int cancelledInFile)
    {
        var dir = TestFolders.Create();
        var files = new[] { Path.Combine(dir, "report.json"), Path.Combine(dir, "plot.png") };
        foreach (var f in files) File.WriteAllText(f, "old " + Path.GetFileName(f));
        using var cancel = new CancellationTokenSource();
        var written = 0;
        Action<string> Writer(string content) => temporary =>
        {
            File.WriteAllText(temporary, content);
            if (++written == cancelledInFile) cancel.Cancel();   // as Ctrl-C would, half way
        };

        Assert.Throws<OperationCanceledException>(() => ReplacedFile.WriteAll([(files[0], Writer("new report")), (files[1], Writer("new plot"))], cancel.Token));

        Assert.Equal(cancelledInFile, written);
        Assert.Equal(["old report.json", "old plot.png"], files.Select(File.ReadAllText));
        Assert.Equal(["plot.png", "report.json"], Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_temporary_file_left_by_a_dead_writer_goes_with_the_next_write_and_a_live_writers_stays()
    {
        var dir = TestFolders.Create();
        var path = Path.Combine(dir, "report.json");
        string prefix = "";   // ".tmp-<this machine>-"
        ReplacedFile.Write(path, temporary =>
        {
            prefix = Path.GetFileName(temporary)[..(Path.GetFileName(temporary).IndexOf('-', 5) + 1)];
            File.WriteAllText(temporary, "first");
        });
        int dead = DeadProcessId();
        var deadWriters = Path.Combine(dir, $"{prefix}{dead}-{Guid.NewGuid():N}-report.json");
        var liveWriters = Path.Combine(dir, $"{prefix}{Environment.ProcessId}-{Guid.NewGuid():N}-report.json");
        var otherFiles = Path.Combine(dir, $"{prefix}{dead}-{Guid.NewGuid():N}-other.json");
        var otherMachines = Path.Combine(dir, $".tmp-00000000-{dead}-{Guid.NewGuid():N}-report.json");
        foreach (var f in new[] { deadWriters, liveWriters, otherFiles, otherMachines }) File.WriteAllText(f, "half");

        ReplacedFile.Write(path, temporary => File.WriteAllText(temporary, "second"));

        Assert.Equal("second", File.ReadAllText(path));
        Assert.False(File.Exists(deadWriters));
        Assert.True(File.Exists(liveWriters) && File.Exists(otherFiles) && File.Exists(otherMachines));
    }

    /// <summary>The id of a process that has exited.</summary>
    private static int DeadProcessId()
    {
        using var process = System.Diagnostics.Process.Start("true")!;
        process.WaitForExit();
        return process.Id;
    }
}
