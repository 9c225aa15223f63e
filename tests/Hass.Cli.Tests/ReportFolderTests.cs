using Hass.Testing;

namespace Hass.Cli.Tests;

/// <summary>A report folder is replaced as a whole: a file that cannot be written, or Ctrl-C, leaves the old report, not half of each.</summary>
public class ReportFolderTests
{
    private static (string Folder, string[] Names) OldReport()
    {
        var folder = TestFolders.Create();
        string[] names = ["report.json", "trials.csv", "best-so-far.png"];
        foreach (var n in names) File.WriteAllText(Path.Combine(folder, n), "old " + n);
        return (folder, names);
    }

    private static void AssertOldReport(string folder, string[] names)
    {
        Assert.Equal(names.Select(n => "old " + n), names.Select(n => File.ReadAllText(Path.Combine(folder, n))));
        Assert.Equal(names.Order(), Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
    }

    [Fact]
    public void A_file_that_cannot_be_written_leaves_the_whole_old_report_and_says_where()
    {
        var (folder, names) = OldReport();
        var e = Assert.Throws<UsageException>(() => ReportFolder.Write(folder,
        [
            ("report.json", p => File.WriteAllText(p, "new")),
            ("trials.csv", p => File.WriteAllText(p, "new")),
            ("best-so-far.png", _ => throw new IOException("No space left on device")),
        ]));
        Assert.Equal($"cannot write the report into {folder} (No space left on device); give a writable folder with -o", e.Message);
        AssertOldReport(folder, names);
    }

    [Fact]
    public void A_cancelled_report_leaves_the_whole_old_report()
    {
        var (folder, names) = OldReport();
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => ReportFolder.Write(folder,
        [
            ("report.json", p => File.WriteAllText(p, "new")),
            ("trials.csv", p => { File.WriteAllText(p, "new"); cancel.Cancel(); }),
            ("best-so-far.png", p => File.WriteAllText(p, "new")),
        ], cancel.Token));
        AssertOldReport(folder, names);
    }
}
