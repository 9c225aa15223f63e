using System.Diagnostics;
using Hass.Testing;

namespace Hass.Bench.Confirmation.Tests;

/// <summary>The bench as a real process: bad inputs get a message naming them and exit code 2, no stack trace, no file written.</summary>
public class CommandLineTests
{
    private static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Hass.Bench.Confirmation.dll"));
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error);
    }

    [Fact]
    public void A_missing_store_is_named()
    {
        var folder = TestFolders.Create();
        var (code, _, error) = Run("--stores", Path.Combine(folder, "absent.db"), "--additivity");
        Assert.Equal(2, code);
        Assert.Contains("--stores", error);
        Assert.Contains("absent.db does not exist", error);
        Assert.DoesNotContain("   at ", error);
        Assert.Empty(Directory.GetFileSystemEntries(folder));
    }

    /// <summary>Runs the bench on a folder holding one file that is not a store; asserts a refusal naming each of <paramref name="named"/> that changed nothing.</summary>
    private static void RefusedWithNotAStore(Func<string, string[]> args, params string[] named)
    {
        var folder = TestFolders.Create();
        var store = Path.Combine(folder, "campaign.db");
        File.WriteAllText(store, "not a store");
        var (code, _, error) = Run(args(store));
        Assert.Equal(2, code);
        foreach (var text in named) Assert.Contains(text, error);
        Assert.DoesNotContain("   at ", error);
        Assert.Equal("not a store", File.ReadAllText(store));
        Assert.Equal([store], Directory.GetFileSystemEntries(folder));
    }

    [Fact]
    public void A_missing_drops_folder_is_named_before_any_store_is_opened() =>
        RefusedWithNotAStore(store => ["--stores", store, "--additivity", "--drops", Path.Combine(Path.GetDirectoryName(store)!, "drops")],
            "--drops", "does not exist");

    [Fact]
    public void A_file_that_is_not_a_store_is_named_and_left_unchanged() =>
        RefusedWithNotAStore(store => ["--stores", store, "--additivity"], "campaign.db", "not a HASS store");

    [Fact]
    public void A_file_that_is_not_a_store_is_named_by_the_fine_tune_too() =>
        RefusedWithNotAStore(store => ["--stores", store, "--fine-tune", "10"], "campaign.db", "not a HASS store");
}
