using System.Security.Cryptography;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// The commands that use an evaluator beyond Evaluate, as real processes against Hass.TestPlugins.Misbehaving: `hass export` and
/// `hass model export` (its Export) and `hass board measure` (its CalibrationImages) stop with exit 1 and one `error:` line naming
/// the evaluator, its plugin and the call, before they write or send anything; and `hass run` names an evaluator whose Evaluate
/// throws ArgumentException like any other.
/// </summary>
public class MisbehavingEvaluatorCommandTests
{
    private static readonly TimeSpan Long = MisbehavingPluginTests.Long;
    private const string Plugin = MisbehavingPluginTests.Plugin;
    private const string ABug = "; a bug of the plugin: fix or update it, or use another (hass plugins lists them)";

    /// <summary>The onnx and fpgaconvnet exporters: the Hass.Models.Onnx plugin shipped next to hass.</summary>
    private static readonly string OnnxPlugin = Path.Combine(Path.GetDirectoryName(HassProcess.HassDll)!, "plugins", "Hass.Models.Onnx");

    /// <summary>A folder with a store holding two complete trials of the synthetic campaign scored by <paramref name="evaluator"/>.</summary>
    private static string StoreOfTwoTrials(string evaluator)
    {
        var (dir, _, args) = MisbehavingPluginTests.Setup("toy", "seeded-random", evaluator);
        var r = HassProcess.RunIn(dir, Long, [.. args, "--trials", "2"]);
        Assert.True(r.ExitCode == ExitCodes.Success, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        return dir;
    }

    private static string[] Options(string dir) =>
        [.. HassProcess.Common(Path.Combine(dir, "hass.db")), "--plugins", MisbehavingPluginTests.PluginFolder, "--plugins", OnnxPlugin];

    /// <summary>Every entry under <paramref name="dir"/> with its content's hash (the store's lock file by name only: readers share it).</summary>
    private static SortedDictionary<string, string> Contents(string dir) =>
        new(Directory.EnumerateFileSystemEntries(dir, "*", SearchOption.AllDirectories).ToDictionary(
            path => Path.GetRelativePath(dir, path),
            path => File.Exists(path) && !path.EndsWith(".lock", StringComparison.Ordinal) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))) : ""),
            StringComparer.Ordinal);

    private static void FailsNamingTheEvaluator(string dir, string[] command, string error)
    {
        var before = Contents(dir);
        var r = HassProcess.RunIn(dir, Long, [.. command, .. Options(dir)]);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        Assert.Equal("error: " + error + ABug, MisbehavingPluginTests.ErrorLine(r.Err));
        Assert.Equal(before, Contents(dir));
    }

    [Fact]
    public void Hass_export_of_a_trial_whose_evaluator_throws_in_Export_exits_1_naming_it_and_writes_nothing()
    {
        var dir = StoreOfTwoTrials("throws-in-export");
        FailsNamingTheEvaluator(dir, ["export", "synthetic", "--trial", "1", "--out", "out"],
            $"evaluator 'throws-in-export' {Plugin} threw InvalidOperationException in Export: the test evaluator lost its weights (by design)");
        Assert.False(Directory.Exists(Path.Combine(dir, "out")));
    }

    [Fact]
    public void Hass_export_of_a_network_for_another_graph_exits_1_naming_the_evaluator_and_writes_nothing()
    {
        var dir = StoreOfTwoTrials("other-graph-export");
        Directory.CreateDirectory(Path.Combine(dir, "out"));
        File.WriteAllText(Path.Combine(dir, "out", "synthetic-trial2.onnx"), "an earlier export");
        File.WriteAllText(Path.Combine(dir, "out", "synthetic-trial2.fpgaconvnet.json"), "{}");
        // --force may replace the earlier export, but only with a whole new one.
        FailsNamingTheEvaluator(dir, ["export", "synthetic", "--trial", "2", "--out", "out", "--force"],
            $"evaluator 'other-graph-export' {Plugin} returned a network from Export for another graph than its own ('synthetic-cnn' of 3 layers; its graph is 'synthetic-cnn' of 7)");
    }

    [Fact]
    public void Hass_model_export_of_a_network_with_short_weights_exits_1_naming_the_evaluator_and_writes_no_onnx()
    {
        var dir = StoreOfTwoTrials("short-weights-export");
        FailsNamingTheEvaluator(dir, ["model", "export", "synthetic", "--trial", "1", "--format", "onnx", "--out", "pruned.onnx"],
            $"evaluator 'short-weights-export' {Plugin} returned a network from Export with 3 weights for layer 'features.0' (its shape holds 72)");
        Assert.False(File.Exists(Path.Combine(dir, "pruned.onnx")));
    }

    [Theory]
    [InlineData("null-calibration-images", "returned calibration images that are null")]
    [InlineData("throws-in-calibration-images", "threw InvalidOperationException in CalibrationImages: the test evaluator lost its calibration images (by design)")]
    public void Hass_board_measure_with_calibration_images_that_are_none_exits_1_naming_the_evaluator_before_the_board_is_contacted(string evaluator, string what)
    {
        var dir = StoreOfTwoTrials(evaluator);
        // Port 9 (discard) has no board: a measurement that got as far as the link would fail with exit 6 instead.
        FailsNamingTheEvaluator(dir, ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:9", "--images", "2"], $"evaluator '{evaluator}' {Plugin} {what}");
    }

    [Fact]
    public void An_evaluator_throwing_ArgumentException_fails_its_trials_naming_it_exit_1()
    {
        var (dir, _, args) = MisbehavingPluginTests.Setup("toy", "seeded-random", evaluator: "throws-argument");
        var r = HassProcess.RunIn(dir, Long, args);

        Assert.True(r.ExitCode == ExitCodes.Failure, $"exit {r.ExitCode}\n{r.Out}\n{r.Err}");
        Assert.StartsWith("error: 5 trials failed in a row (maxConsecutiveFailures = 5); last error: evaluator 'throws-argument' " + Plugin +
                          " threw ArgumentException in Evaluate: the test evaluator mixed up its tensors (by design)" + ABug, MisbehavingPluginTests.ErrorLine(r.Err));
        MisbehavingPluginTests.OnlyTheStoreWasWritten(dir);
    }
}
