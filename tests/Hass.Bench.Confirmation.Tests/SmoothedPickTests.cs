namespace Hass.Bench.Confirmation.Tests;

public class SmoothedPickTests
{
    private static SmoothedCandidate Candidate(int trial, double throughput, double counted, double smoothed, double test) =>
        new("vgg-0", "bench", trial, throughput, counted, smoothed, test);

    [Fact]
    public void The_line_through_exact_points_is_recovered()
    {
        var (intercept, slope) = SmoothedPick.LineOf([Candidate(1, 4, 0.5, 0, 0), Candidate(2, 3, 1.0, 1, 0), Candidate(3, 2, 1.5, 2, 0), Candidate(4, 1, 2.0, 3, 0)]);
        Assert.Equal(0.5, intercept, 12);
        Assert.Equal(0.5, slope, 12);
    }

    [Fact]
    public void The_smoothed_pick_passes_over_a_fast_candidate_whose_count_was_lucky()
    {
        // Counted drop = smoothed / 2 except the fastest, whose count (0.3) is far below what its smoothed drop (2.0) says (1.0).
        SmoothedCandidate[] group =
        [
            Candidate(1, 300, 0.3, 2.0, 1.1), Candidate(2, 200, 0.5, 1.0, 0.6), Candidate(3, 100, 0.25, 0.5, 0.2),
            Candidate(4, 90, 0.75, 1.5, 0.8), Candidate(5, 80, 0.1, 0.2, 0.1), Candidate(6, 70, 0.9, 1.8, 1.0),
            Candidate(7, 60, 1.1, 2.2, 1.2), Candidate(8, 50, 1.2, 2.4, 1.3), Candidate(9, 40, 0.6, 1.2, 0.7),
        ];
        Assert.Equal(1, SmoothedPick.CountedPick(group, 0.6)!.Trial);
        Assert.Equal(2, SmoothedPick.SmoothedPickOf(group, 0.6)!.Trial);
    }

    [Fact]
    public void The_table_has_a_row_per_campaign_with_each_rules_pick_and_its_test_drop()
    {
        SmoothedCandidate[] group = [Candidate(1, 300, 0.9, 1.8, 1.2), Candidate(2, 200, 0.5, 1.0, 0.6), Candidate(3, 100, 0.25, 0.5, 0.2)];
        var table = SmoothedPick.Render(group);
        Assert.Contains("| vgg-0 | bench | 3 | 200.0 (0.60) | 200.0 (0.60) | 200.0 (0.60) | 200.0 (0.60) | 200.0 (0.60) |", table);
    }
}
