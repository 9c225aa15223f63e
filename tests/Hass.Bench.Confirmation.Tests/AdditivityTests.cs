using Hass.Abstractions;
using Hass.Testing;

namespace Hass.Bench.Confirmation.Tests;

public class AdditivityTests
{
    [Fact]
    public void Drops_that_add_up_exactly_give_a_ratio_and_a_correlation_of_one()
    {
        var rows = new[] { 0.2, 0.5, 0.9, 1.4 }.Select((drop, i) => new AdditivityRow("vgg", "s", "bench", i, drop, drop, 2 * drop, drop)).ToList();
        var table = Additivity.Render(rows);
        Assert.Contains("| vgg | 4 | smoothed | 0.750 | 0.750 | 1.00 | 1.000 | 0.000 |", table);
        // The counted drops are twice the sum: a ratio of 2 that a line still fits exactly.
        Assert.Contains("| vgg | 4 | counted | 1.500 | 0.750 | 2.00 | 1.000 | 0.000 |", table);
    }

    [Fact]
    public void Each_model_gets_its_own_lines()
    {
        var rows = new[] { new AdditivityRow("vgg", "a", "bench", 1, 1, 1, 1, 1), new AdditivityRow("resnet", "b", "bench", 2, 1, 2, 1, 2) };
        var table = Additivity.Render(rows);
        Assert.Contains("| vgg | 1 | smoothed |", table);
        Assert.Contains("| resnet | 1 | smoothed | 1.000 | 2.000 | 0.50 |", table);
    }

    [Fact]
    public void Fastest_stored_trials_are_complete_distinct_within_the_allowance_and_fastest_first()
    {
        static TrialRecord Trial(int number, double throughput, double violation, double threshold, TrialState state = TrialState.Complete) => new()
        {
            Campaign = "c", Number = number, State = state, ObjectiveValues = [throughput], PredictedThroughput = throughput, ConstraintViolation = violation,
            Parameters = new ParameterSet(new Dictionary<string, double> { ["w:conv"] = threshold }),
        };
        var trials = new[] { Trial(1, 100, 0, 0.1), Trial(2, 300, 0.5, 0.2), Trial(3, 200, 0.2, 0.3), Trial(4, 200, 0, 0.3), Trial(5, 400, 0, 0.4, TrialState.Failed) };
        Assert.Equal([3, 1], StoredTrials.Fastest(trials, 0.3).Select(t => t.Number));
    }

    [Fact]
    public void With_test_drops_the_table_says_how_well_the_whole_and_the_summed_drops_predict_them()
    {
        var folder = TestFolders.Create();
        File.WriteAllLines(Path.Combine(folder, "s.csv"), ["trial,final6k,test", "0,0,0.1", "1,0,0.25", "2,0,0.45", "3,0,0.7"]);
        // Whole smoothed drops 0.2, 0.5, 0.9, 1.4: the test drop is half of each, exactly; trial 9 has no test drop.
        var rows = new[] { 0.2, 0.5, 0.9, 1.4, 3.0 }.Select((drop, i) => new AdditivityRow("vgg", "s", "bench", i == 4 ? 9 : i, drop, drop * drop, drop, drop)).ToList();
        var table = Additivity.Render(rows, AdditivityDrops.Read(folder));
        Assert.Contains("| vgg | 4 | smoothed, whole | 1.000 | 0.000 |", table);
        Assert.Contains("| vgg | 4 | smoothed, sum alone |", table);
        Assert.DoesNotContain("| vgg | 4 | smoothed, sum alone | 1.000 |", table);
    }

    [Fact]
    public void Test_drops_belong_to_the_bench_campaign_of_a_store_with_a_drops_file()
    {
        var folder = TestFolders.Create();
        File.WriteAllLines(Path.Combine(folder, "s.csv"), ["trial,final6k,test", "7,0.5,0.8"]);
        var drops = AdditivityDrops.Read(folder);
        Assert.Equal(0.8, drops(new AdditivityRow("vgg", "s", "bench", 7, 0, 0, 0, 0)));
        Assert.Null(drops(new AdditivityRow("vgg", "s", "bench-uniform", 7, 0, 0, 0, 0)));
        Assert.Null(drops(new AdditivityRow("vgg", "other", "bench", 7, 0, 0, 0, 0)));
    }
}
