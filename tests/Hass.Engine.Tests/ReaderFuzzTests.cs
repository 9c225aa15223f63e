using Hass.Engine.Boards;
using Hass.Engine.Campaigns;

namespace Hass.Engine.Tests;

/// <summary>
/// Property tests of the campaign and board file readers: every seeded mutation of a valid file either loads or
/// is refused with the reader's own error (CampaignException / a board-library error naming the file), never
/// another exception.
/// </summary>
public class ReaderFuzzTests
{
    private const int Cases = 1500;

    private static readonly string FullCampaign = """
        { "schema": 1, "name": "full", "model": "synthetic-cnn", "checkpoint": null, "evaluator": "synthetic",
          "dataset": { "name": "synthetic", "path": null, "searchImages": 100, "calibrationImages": 10, "testImages": 50 },
          "pruning": { "name": "synthetic-threshold", "settings": { "delayMs": 0 } },
          "backend": { "name": "toy", "options": { "resourceAllocation": 0.9, "ramAllocation": 0.8, "batchSize": 16, "anneal": false,
                       "allowPartitions": true, "allowWeightsReloading": true, "denseBelowSparsity": 0.1 } },
          "board": "toy-board", "strategy": { "name": "seeded-random", "settings": {} },
          "objective": { "metric": "throughput", "toleranceTop1": 1.0, "direction": "maximize" },
          "budget": { "trials": 5, "wallTime": "15m" }, "seed": 3, "warmStart": true, "earlyStop": { "enabled": true, "dropFactor": 3.0 },
          "maxConsecutiveFailures": 5, "final": { "enabled": true, "uniformBaselineTrials": 0 },
          "measure": { "link": "tcp:127.0.0.1:5555", "designs": { "topK": 3, "everyN": 0 }, "repeats": 5, "images": 64, "warmupImages": 8 } }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Mutated_campaign_files_load_or_are_refused_with_a_campaign_error(int seed)
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var boards = TestEnvironment.Boards();
        var dir = TestEnvironment.TempDir();
        var mutator = new JsonMutator(seed);
        var originals = new[] { FullCampaign, File.ReadAllText(TestEnvironment.SyntheticCampaign) };
        int loaded = 0, refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var (bytes, what) = mutator.Mutate(originals[i % originals.Length]);
            var path = Path.Combine(dir, $"c{i}.json");
            File.WriteAllBytes(path, bytes);
            try
            {
                var spec = CampaignLoader.Load(path);
                CampaignLoader.Validate(spec, path, components, boards, measurer: new FakeMeasurer(1));
                loaded++;
            }
            catch (CampaignException e)
            {
                Assert.All(e.Problems, p => Assert.DoesNotContain('\n', p));
                refused++;
            }
            catch (Exception e)
            {
                Assert.Fail($"case {i} (seed {seed}, {what}): {e.GetType().Name}: {e.Message}\n{System.Text.Encoding.UTF8.GetString(bytes)[..Math.Min(bytes.Length, 2000)]}");
            }
        }
        Assert.True(loaded > 0 && refused > 0, $"the mutations should both keep and break files (loaded {loaded}, refused {refused})");
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)]
    public void Mutated_board_files_load_or_are_reported_naming_the_file(int seed)
    {
        var originals = Directory.GetFiles(Path.Combine(TestEnvironment.RepoRoot, "boards"), "*.json")
            .Append(Path.Combine(TestEnvironment.FixtureBoards, "toy-board.json")).Order(StringComparer.Ordinal).ToArray();
        var mutator = new JsonMutator(seed);
        int loaded = 0, refused = 0;
        for (var i = 0; i < Cases; i++)
        {
            var original = originals[i % originals.Length];
            var (bytes, what) = mutator.Mutate(File.ReadAllText(original));
            var dir = Path.Combine(TestEnvironment.TempDir(), "b");
            Directory.CreateDirectory(dir);
            var path = Path.Combine(dir, Path.GetFileName(original));
            File.WriteAllBytes(path, bytes);
            var lib = new BoardLibrary();
            try { lib.AddFile(path); }
            catch (Exception e) { Assert.Fail($"case {i} (seed {seed}, {what}): {e.GetType().Name}: {e.Message}"); }
            if (lib.Errors.Count == 0) { Assert.Single(lib.Names); loaded++; continue; }
            var error = Assert.Single(lib.Errors);
            Assert.StartsWith($"board file '{path}': ", error);
            Assert.DoesNotContain('\n', error);
            refused++;
        }
        Assert.True(loaded > 0 && refused > 0, $"the mutations should both keep and break files (loaded {loaded}, refused {refused})");
    }
}
