using System.Text.RegularExpressions;

namespace Hass.Bench.Campaigns.Tests;

/// <summary>The one heading every benchmark writes above what it appends to a results file.</summary>
public class ResultsHeadingTests
{
    [Fact]
    public void The_heading_gives_the_date_the_command_and_the_load_at_the_end()
    {
        var heading = ResultsHeading.Of("Hass.Bench.Campaigns", ["--trials", "150", "--seeds", "0"]);
        Assert.Matches(new Regex(@"^\n## \d{4}-\d\d-\d\d \d\d:\d\d UTC\n\n"), heading);
        Assert.Contains("Command: `dotnet run -c Release --project bench/Hass.Bench.Campaigns -- --trials 150 --seeds 0`  \n", heading);
        Assert.Matches(new Regex($@"Load average \(1, 5, 15 min\) at the end: [^\n]+ \({Environment.ProcessorCount} cores\)\n\n$"), heading);
    }

    [Fact]
    public void With_the_load_at_the_start_the_heading_gives_both()
    {
        var heading = ResultsHeading.Of("Hass.Bench.Fidelity", [], startLoad: "1.00 2.00 3.00");
        Assert.Contains("Command: `dotnet run -c Release --project bench/Hass.Bench.Fidelity -- `", heading);
        Assert.Contains("Load average (1, 5, 15 min) at the start: 1.00 2.00 3.00; at the end: ", heading);
    }
}
