using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>
/// `hass backend check` as a real process: the shipped backends pass every check, a plugin's backend that breaks the
/// contract fails with the engine's own words, and Ctrl-C stops it at once even while a backend ignores cancellation.
/// </summary>
public class BackendCheckCommandTests
{
    private static readonly TimeSpan Long = MisbehavingPluginTests.Long;

    private static string[] Misbehaving(string backend) =>
        ["backend", "check", backend, "--model", "synthetic-cnn", "--board", "toy-board", .. HassProcess.Common(Path.Combine(HassProcess.TempDir(), "hass.db")),
         "--plugins", MisbehavingPluginTests.PluginFolder];

    [Theory]
    [InlineData("dataflow-sparse")]
    [InlineData("systolic-sparse")]
    public void A_shipped_backend_passes_every_check(string backend)
    {
        var (code, stdout, stderr) = HassProcess.Run(Long, "backend", "check", backend);
        Assert.True(code == ExitCodes.Success, stdout + stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith($"backend '{backend}' (plugin Hass.Backends.", lines[0]);
        Assert.EndsWith("with 'fmnist-vgg' on 'zedboard':", lines[0]);
        Assert.Equal(6, lines.Count(l => l.StartsWith("PASS ", StringComparison.Ordinal)));
        Assert.Equal("6 of 6 checks passed", lines[^1]);
        Assert.Equal("", stderr);
    }

    [Fact]
    public void A_backend_whose_design_is_not_one_fails_with_the_engines_words_and_exit_1()
    {
        var (code, stdout, stderr) = HassProcess.Run(Long, Misbehaving("nan-throughput"));
        Assert.True(code == ExitCodes.Failure, stdout + stderr);
        Assert.Contains("FAIL designs the dense network: backend 'nan-throughput' (plugin Hass.TestPlugins.Misbehaving) returned a design from Optimize with a throughput of NaN", stdout);
        Assert.Contains("0 of 1 checks passed; 5 not run (they need a design)", stdout);
        Assert.DoesNotContain("   at ", stdout + stderr);
    }

    [Fact]
    public void An_unknown_backend_is_bad_input_naming_the_loaded_ones()
    {
        var (code, stdout, stderr) = HassProcess.Run(Long, "backend", "check", "finn");
        Assert.Equal(ExitCodes.InvalidInput, code);
        Assert.StartsWith("error: backend: unknown backend 'finn'; available: dataflow-dense, dataflow-sparse, systolic-dense, systolic-sparse", stderr.Trim());
        Assert.Equal("", stdout);
    }

    [Fact]
    public void Ctrl_c_stops_it_at_once_while_the_backend_ignores_cancellation()
    {
        using var p = HassProcess.Start(Misbehaving("ignores-cancel"));
        Assert.True(p.WaitForOutput("ignores-cancel: in Optimize", Long), p.Out + p.Err);
        Interrupts.StopsAtOnce(p, "error: interrupted: hass backend check stopped; it changes nothing");
    }
}
