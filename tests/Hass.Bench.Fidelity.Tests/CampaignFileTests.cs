using System.Text.Json.Nodes;

namespace Hass.Bench.Fidelity.Tests;

public sealed class CampaignFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("hass-fidelity-tests").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void The_bench_template_gets_the_cells_model_board_name_and_cycle_figure()
    {
        var template = Path.Combine(RepositoryRoot(), "bench", "fidelity", "campaign.json");
        var path = CampaignFile.Write(template, "fmnist-resnet", "zc706", "average", "fidelity-fmnist-resnet-zc706", _folder);
        var root = JsonNode.Parse(File.ReadAllText(path))!.AsObject();
        Assert.Equal("fmnist-resnet", (string?)root["model"]);
        Assert.Equal("zc706", (string?)root["board"]);
        Assert.Equal("fidelity-fmnist-resnet-zc706", (string?)root["name"]);
        Assert.Equal("average", (string?)root["backend"]!["options"]!["sparseCycles"]);
        Assert.Equal(256, (int?)root["backend"]!["options"]!["batchSize"]);
        Assert.False((bool?)root["earlyStop"]!["enabled"]);
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "HASS.Engine.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
