namespace Hass.Bench.Campaigns.Tests;

/// <summary>The bench's table: the oracle runs give each cell its oracle ceiling and leave the sensitivity ceiling to the held-out runs.</summary>
public class ResultTableTests
{
    private static RunResult Run(string pipeline, int seed, double throughput, double sensitivityCeiling, double maxSparsityCeiling = 30000) =>
        new(new RunKey("fmnist-vgg", "zedboard", pipeline, seed), throughput, 0.5, 5000, 10000, 150, TimeSpan.FromSeconds(100))
        {
            Ceilings = new Ceilings(sensitivityCeiling, maxSparsityCeiling, $"LUT at {maxSparsityCeiling}"),
        };

    [Fact]
    public void The_oracle_ceiling_is_the_mean_oracle_pick_and_every_pipeline_is_rated_against_it()
    {
        var table = ResultTable.Render([
            Run("uniform", 0, 10000, 20000), Run("hass", 0, 12000, 20000), Run("hass", 1, 13000, 20000),
            Run(CampaignFile.Oracle, 0, 15000, 90000), Run(CampaignFile.Oracle, 1, 17000, 90000, maxSparsityCeiling: 35000),
        ]);
        var hass = table.Split('\n').Single(l => l.StartsWith("| fmnist-vgg | zedboard | hass |"));
        Assert.Contains("| 12500.0 |", hass);
        Assert.Contains("| 0.62 | 0.36 | 0.78 |", hass);   // / sensitivity (20,000, held-out runs), / max sparsity (35,000, any run), / oracle (16,000)
        var oracle = table.Split('\n').Single(l => l.StartsWith("| fmnist-vgg | zedboard | oracle |"));
        Assert.Contains("| 1.600 |", oracle);
        Assert.Contains("| fmnist-vgg | zedboard | 20000.0 | 35000.0 | 16000.0 | LUT at 35000 |", table);
        Assert.Contains("oracle / uniform: geometric mean 1.600", table);
    }

    [Fact]
    public void Without_an_oracle_run_the_oracle_ceiling_is_a_dash()
    {
        var table = ResultTable.Render([Run("uniform", 0, 10000, 20000), Run("hass", 0, 12000, 20000)]);
        Assert.Contains("| fmnist-vgg | zedboard | 20000.0 | 30000.0 | — | LUT at 30000 | — | — | — |", table);
    }

    [Fact]
    public void Each_cell_gives_the_hass_picks_mean_headroom_next_folding_level_and_the_first_seeds_stages_at_the_floor()
    {
        var table = ResultTable.Render([
            Run("uniform", 0, 10000, 20000) with { Cap = new Hass.Abstractions.SparsityCap(30000, 3.0, 6272, ["relu"]), NextLevelBoardScale = 3.0 },
            Run("hass", 1, 13000, 20000) with { Cap = new Hass.Abstractions.SparsityCap(13130, 1.01, 6272, ["relu", "pool"]), NextLevelBoardScale = 1.38 },
            Run("hass", 0, 12000, 20000) with { Cap = new Hass.Abstractions.SparsityCap(13200, 1.1, 6000, ["a", "b", "c", "d", "e"]), NextLevelBoardScale = 1.2 },
            Run("hass", 2, 12000, 20000) with { Cap = new Hass.Abstractions.SparsityCap(13200, 1.055, 6000, ["a"]) },   // an older store: not priced
        ]);
        Assert.Contains("| LUT at 30000 | 1.055 | 1.29 | 6000 cycles: a, b, c and 2 more |", table);
    }
}
