using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>A dense design and a graph need the network's definition only: no dataset (here: no ImageNet) is opened.</summary>
public class DesignWithoutDataTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Theory]
    [InlineData("dataflow-dense@", "design", "--model", "resnet18", "--board", "u250", "--backend", "dataflow-dense")]
    [InlineData("resnet18:", "graph", "resnet18")]
    public void ImageNet_models_are_designed_and_described_without_ImageNet(string expected, params string[] args)
    {
        var dir = HassProcess.TempDir();
        var (code, stdout, stderr) = HassProcess.RunIn(dir, TimeSpan.FromMinutes(3), [.. args, "--store", Path.Combine(dir, "hass.db")]);
        output.WriteLine($"exit {code}\nstdout: {stdout}\nstderr: {stderr}");
        Assert.True(code == ExitCodes.Success, $"exit {code}: {stderr}");
        Assert.Contains(expected, stdout);
        Assert.DoesNotContain("dataset", stderr);
    }
}
