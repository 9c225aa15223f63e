using Hass.Cli;

namespace Hass.Cli.Tests;

/// <summary>A campaign asked to measure that could not says so in its exit code (docs/cli.md: 6), with the search stored.</summary>
public class MeasureExitCodeTests
{
    [Fact]
    public async Task Run_with_an_unreachable_measure_board_exits_6_and_keeps_every_trial()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "x.db");
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        var campaign = Cli.WriteCampaign(dir, t => t
            .Replace("\"trials\": 20", "\"trials\": 6")
            .Replace("\"seed\": 7,", "\"seed\": 7, \"measure\": { \"link\": \"tcp:127.0.0.1:1\", \"designs\": { \"topK\": 1 } },"));

        var run = await Cli.Run(store, "run", campaign);

        Assert.Equal(ExitCodes.BoardError, run.ExitCode);
        var errors = run.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToList();
        var error = Assert.Single(errors);
        Assert.Contains("tcp:127.0.0.1:1", error);
        Assert.Contains("stored", error);
        var status = await Cli.Run(store, "status", "synthetic", "--json");
        Assert.Equal(ExitCodes.Success, status.ExitCode);
        var trials = await Cli.Run(store, "trials", "synthetic", "--json");
        Assert.Equal(6, System.Text.Json.JsonDocument.Parse(trials.Out).RootElement.GetArrayLength());
    }
}

/// <summary>`hass board measure --rotations`: more rotations than a run uploads images is bad input, found before any board is used.</summary>
public class MeasureRotationsTests
{
    [Fact]
    public async Task More_rotations_than_uploaded_images_exit_2_naming_the_limit()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "x.db");
        var campaign = Cli.WriteCampaign(dir, t => t.Replace("\"trials\": 20", "\"trials\": 2"));
        Assert.Equal(ExitCodes.Success, (await Cli.Run(store, "run", campaign)).ExitCode);

        // Port 1 on loopback: nothing listens, so only a check made before connecting can answer.
        var measure = await Cli.Run(store, "board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--images", "4", "--warmup", "1", "--rotations", "6");

        Assert.Equal(ExitCodes.InvalidInput, measure.ExitCode);
        Assert.Contains("--rotations 6 is more than the 5 images a run uploads (--images + --warmup)", measure.Err);
        Assert.DoesNotContain("   at ", measure.Err);
    }
}
