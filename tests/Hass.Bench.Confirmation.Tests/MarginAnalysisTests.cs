using System.Globalization;
using Hass.Testing;

namespace Hass.Bench.Confirmation.Tests;

public class MarginAnalysisTests
{
    /// <summary>A margins file of 100 images: the dense network right on every one, each trial wrong on its first <c>wrong</c> ones.</summary>
    private static string MarginsFile(string folder, params (int Trial, int Wrong)[] trials)
    {
        static string Margins(int wrong) =>
            string.Join(",", Enumerable.Range(0, 100).Select(i => (i < wrong ? -1.0 : 2.0).ToString(CultureInfo.InvariantCulture)));
        var lines = new[] { "search", "conf1" }.SelectMany(split =>
            trials.Select(t => $"{t.Trial},{split},{Margins(t.Wrong)}").Prepend($"dense,{split},{Margins(0)}"));
        var path = Path.Combine(folder, "vgg-0-bench.csv");
        File.WriteAllLines(path, lines);
        return path;
    }

    [Fact]
    public void A_drop_that_tracks_the_test_drop_exactly_correlates_one_and_leaves_nothing()
    {
        var folder = TestFolders.Create();
        var file = MarginsFile(folder, (1, 1), (2, 3), (3, 6), (4, 10));
        // Test drop = 0.5 × the counted drop (1, 3, 6, 10 images of 100 → 1, 3, 6, 10 points).
        var drops = new Dictionary<int, RescoredDrops> { [1] = new(0.3, 0.5), [2] = new(1.0, 1.5), [3] = new(3.5, 3.0), [4] = new(5.0, 5.0) };
        var table = MarginAnalysis.Render([("vgg", file, drops)]);
        var counted = table.Split('\n').Single(l => l.Contains("| counted | search |"));
        Assert.Contains("| 4 | counted | search | 1.000 | 0.000 |", counted);
        // Margins are either −1 or 2, so every smoothed drop is the counted one times (σ(2/T) − σ(−1/T)): also exact.
        Assert.Contains("| smoothed T=1 | search | 1.000 | 0.000 |", table);
        Assert.Contains("| counted | final 6,000 (re-scored) |", table);
    }

    [Fact]
    public void Rescored_drops_are_read_by_column_name_and_a_missing_column_is_named()
    {
        var folder = TestFolders.Create();
        var good = Path.Combine(folder, "good.csv");
        File.WriteAllLines(good, ["trial,throughput,final6k,test", "7,123.4,0.52,0.77"]);
        Assert.Equal(new RescoredDrops(0.52, 0.77), RescoredDrops.Read(good)[7]);
        var bad = Path.Combine(folder, "bad.csv");
        File.WriteAllLines(bad, ["trial,test", "7,0.77"]);
        Assert.Contains("final6k", Assert.Throws<InvalidDataException>(() => RescoredDrops.Read(bad)).Message);
    }
}
