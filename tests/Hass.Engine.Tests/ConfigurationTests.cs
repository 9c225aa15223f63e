using System.Text.Json;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;
using Hass.Engine.Boards;
using Hass.Engine.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>
/// Campaign files, board files and component settings read by <see cref="ConfigJson"/>: every problem at once, each
/// with its JSON path; unknown members with a "did you mean" hint; the campaign identity of stored campaigns unchanged.
/// </summary>
public class ConfigurationTests
{
    private const string Minimal = """
        { "name": "c1", "model": "synthetic-cnn", "pruning": "synthetic-threshold", "backend": "toy", "board": "toy-board",
          "strategy": "seeded-random", "budget": { "trials": 5 } }
        """;

    private static string With(string fields) => Minimal.TrimEnd().TrimEnd('}') + ", " + fields + " }";

    private static IReadOnlyList<string> Problems(string json) =>
        Assert.Throws<CampaignException>(() => CampaignLoader.Parse(json, "c.json")).Problems;

    [Fact]
    public void Three_mistakes_give_three_problems_each_with_its_path()
    {
        var problems = Problems(With("\"budgt\": {}, \"warmStart\": \"yes\", \"maxConsecutiveFailures\": 0"));
        Assert.Equal(
        [
            "$.budgt: unknown field (did you mean 'budget'?); known fields here: schema, name, model, checkpoint, evaluator, dataset, pruning, backend, board, strategy, objective, budget, seed, warmStart, earlyStop, maxConsecutiveFailures, parallelism, measure, quantisation, final",
            "$.warmStart: must be true or false (got \"yes\")",
            "$.maxConsecutiveFailures: must be in [1, 1000] (got 0)",
        ], problems);
    }

    [Theory]
    [InlineData("\"dataset\": { \"serchImages\": 5 }", "$.dataset.serchImages: unknown field (did you mean 'searchImages'?)")]
    [InlineData("\"measure\": { \"repeats\": 2 }", "$.measure.link: is required")]
    [InlineData("\"pruning\": 5", "$.pruning: must be a name or an object with name and settings (got 5)")]
    [InlineData("\"pruning\": { \"name\": \"\" }", "$.pruning.name: must not be empty")]
    [InlineData("\"strategy\": { \"name\": \"x\", \"settings\": [1] }", "$.strategy.settings: must be an object (got an array)")]
    [InlineData("\"earlyStop\": \"no\"", "$.earlyStop: must be true, false or an object (got \"no\")")]
    [InlineData("\"objective\": { \"direction\": \"up\" }", "$.objective.direction: must be maximize or minimize (got \"up\")")]
    [InlineData("\"parallelism\": 0", "$.parallelism: must be in [1, 64] (got 0)")]
    [InlineData("\"parallelism\": 65", "$.parallelism: must be in [1, 64] (got 65)")]
    [InlineData("\"parallelism\": 1.5", "$.parallelism: must be a whole number in [1, 64] (got 1.5)")]
    [InlineData("\"final\": { \"uniformBaselineTrials\": -1 }", "$.final.uniformBaselineTrials: must be in [0, 10000] (got -1)")]
    [InlineData("\"checkpoint\": 3", "$.checkpoint: must be a string (got 3)")]
    [InlineData("\"objective\": { \"toleranceTop1\": 1e999 }", "$.objective.toleranceTop1: must be a number in [0, 100] (got 1e999)")]
    [InlineData("\"seed\": null", "$.seed: must be a whole number in [0, 2147483647] (got null)")]
    public void Each_kind_of_problem_names_its_path(string fields, string expected)
    {
        var json = fields.StartsWith("\"pruning\"", StringComparison.Ordinal) || fields.StartsWith("\"strategy\"", StringComparison.Ordinal)
            ? Minimal.Replace(fields.StartsWith("\"pruning\"", StringComparison.Ordinal) ? "\"pruning\": \"synthetic-threshold\"" : "\"strategy\": \"seeded-random\"", fields)
            : With(fields);
        Assert.Contains(Problems(json), p => p.StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Rules_across_fields_are_checked_once_the_file_reads()
    {
        Assert.Contains("$.budget: give budget.trials and/or budget.wallTime (or --trials / --wall-time)", Problems(Minimal.Replace("{ \"trials\": 5 }", "{}")));
        var overridden = CampaignLoader.Parse(Minimal.Replace("{ \"trials\": 5 }", "{}"), "c.json", new CampaignOverrides { Trials = 3 });
        Assert.Equal(3, overridden.Budget.Trials);
    }

    [Fact]
    public void Parallelism_defaults_to_one_is_read_and_overridden_and_is_not_part_of_the_identity()
    {
        var one = CampaignLoader.Parse(Minimal, "c.json");
        var four = CampaignLoader.Parse(With("\"parallelism\": 4"), "c.json");
        Assert.Equal(1, one.Parallelism);
        Assert.Equal(4, four.Parallelism);
        Assert.Equal(2, CampaignLoader.Parse(Minimal, "c.json", new CampaignOverrides { Parallelism = 2 }).Parallelism);
        Assert.Contains("$.parallelism: must be in [1, 64] (got 99); set by --parallelism",
            Assert.Throws<CampaignException>(() => CampaignLoader.Parse(Minimal, "c.json", new CampaignOverrides { Parallelism = 99 })).Message);
        Assert.Equal(one.IdentityJson(), four.IdentityJson());
    }

    [Fact]
    public void The_name_comes_from_the_file_name_when_the_file_has_none()
    {
        var json = Minimal.Replace("\"name\": \"c1\", ", "");
        Assert.Equal("from-file", CampaignLoader.Parse(json, "c.json", defaultName: "from-file").Name);
        Assert.Contains("$.name: is required", Problems(json));
    }

    /// <summary>
    /// Stored campaigns resume only when the identity of an unchanged file is unchanged: these are the values the
    /// hand-written reader of earlier builds produced for the shipped campaign files.
    /// </summary>
    [Theory]
    [InlineData("fmnist-hass.json", IdentityFixtures.FmnistHassIdentity, IdentityFixtures.FmnistHassWarmStart)]
    [InlineData("synthetic.json", IdentityFixtures.SyntheticIdentity, IdentityFixtures.SyntheticWarmStart)]
    public void The_identity_of_the_shipped_campaigns_is_unchanged(string file, string identity, string warmStartKey)
    {
        var spec = CampaignLoader.Load(Path.Combine(TestEnvironment.RepoRoot, "examples", file));
        Assert.Equal(identity, spec.IdentityJson());
        Assert.Equal(warmStartKey, spec.WarmStartKey());
    }

    /// <summary>A strategy whose settings are a record read by ConfigJson, as the built-in strategies do.</summary>
    private sealed record LevelSettings
    {
        [System.ComponentModel.DataAnnotations.Range(0.0, 1.0)] public double Gamma { get; init; } = 0.5;
        public bool Verbose { get; init; }
    }

    private sealed class RecordSettingsStrategy : ISearchStrategyFactory, ISettingsValidator
    {
        public string Name => "record-settings";
        public string Description => "test strategy whose settings are a record";
        public ISearchStrategy Create() => throw new InvalidOperationException("not used");
        public IReadOnlyList<SettingProblem> ValidateSettings(JsonElement settings)
        {
            var problems = new List<SettingProblem>();
            ConfigJson.ReadSettings<LevelSettings>(settings, problems);
            return problems;
        }
    }

    [Fact]
    public void Strategy_settings_problems_carry_the_campaign_path()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new RecordSettingsStrategy()));
        using var _ = provider;
        var spec = CampaignLoader.Parse(Minimal.Replace("\"strategy\": \"seeded-random\"",
            "\"strategy\": { \"name\": \"record-settings\", \"settings\": { \"gamma\": 2, \"verbos\": true } }"), "c.json");
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer: null));
        Assert.Contains("$.strategy.settings.gamma: must be in [0, 1] (got 2)", e.Problems);
        Assert.Contains(e.Problems, p => p.StartsWith("$.strategy.settings.verbos: unknown field (did you mean 'verbose'?)", StringComparison.Ordinal));
    }

    [Fact]
    public void Unknown_names_get_a_did_you_mean_hint()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var spec = CampaignLoader.Parse(Minimal.Replace("\"seeded-random\"", "\"seeded-randon\""), "c.json");
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer: null));
        Assert.Contains(e.Problems, p => p.StartsWith("$.strategy.name: unknown search 'seeded-randon' (did you mean 'seeded-random'?); available: ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_board_file_lists_every_problem_with_its_path_in_one_line()
    {
        var dir = TestEnvironment.TempDir();
        var path = Path.Combine(dir, "b.json");
        File.WriteAllText(path, "{ \"name\": \"b\", \"dps\": 1, \"bram18\": -1, \"lut\": \"many\", \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }");
        var lib = new BoardLibrary();
        lib.AddFile(path);
        var error = Assert.Single(lib.Errors);
        Assert.Equal($"board file '{path}': not a valid board description: "
                     + "$.dps: unknown field (did you mean 'dsp'?); known fields here: schema, name, part, description, dsp, bram18, uram, lut, ff, clockMhz, memoryBandwidthGbps, reconfigurationSeconds, portWidthBits, link; "
                     + "$.bram18: must be at least 0 (got -1); "
                     + "$.lut: must be a whole number more than 0 (got \"many\"); "
                     + "$.dsp: is required", error);
        Assert.Empty(lib.Names);
    }

    [Fact]
    public void Board_rules_apply_to_boards_made_in_code_too()
    {
        var board = new BoardSpec { Name = "x", Dsp = 1, Bram18 = 1, Lut = 1, Ff = 1, ClockMhz = 100, MemoryBandwidthGbps = 1, PortWidthBits = 12 };
        Assert.Equal(["portWidthBits: must be a multiple of 8 (got 12)"], board.Validate());
    }
}
