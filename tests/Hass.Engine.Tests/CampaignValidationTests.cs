using System.Text;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Engine.Tests;

/// <summary>Campaign files refused at load time with the field named.</summary>
public class CampaignValidationTests
{
    private const string Minimal = """
        { "name": "c1", "model": "synthetic-cnn", "pruning": "synthetic-threshold", "backend": "toy", "board": "toy-board",
          "strategy": "seeded-random", "budget": { "trials": 5 } }
        """;

    private static string With(string fields) => Minimal.TrimEnd().TrimEnd('}') + ", " + fields + " }";

    private static CampaignException Refused(string json, CampaignOverrides? overrides = null) =>
        Assert.Throws<CampaignException>(() => CampaignLoader.Parse(json, "c.json", overrides));

    [Theory]
    [InlineData("\"model\": \"other\"", "model: given twice; keep one")]
    [InlineData("\"MODEL\": \"other\"", "MODEL: given twice (as 'model' and 'MODEL'; names are matched ignoring case)")]
    [InlineData("\"objective\": { \"metric\": \"throughput\", \"Metric\": \"latency\" }", "objective.Metric: given twice")]
    [InlineData("\"seed\": 1, \"Seed\": 2", "Seed: given twice")]
    public void Duplicate_keys_are_refused_naming_the_key(string fields, string expected) =>
        Assert.Contains(expected, Refused(With(fields)).Message);

    [Fact]
    public void Measure_rotations_beyond_the_uploaded_images_are_refused()
    {
        const string measure = "\"measure\": { \"link\": \"tcp:127.0.0.1:1\", \"images\": 4, \"warmupImages\": 1, \"rotations\": ";
        Assert.Contains("measure.rotations (6) is more than the 5 images a run uploads", Refused(With(measure + "6 }")).Message);
        Assert.Equal(5, CampaignLoader.Parse(With(measure + "5 }"), "c.json").Measure!.Rotations);
        // Without images a run uploads one batch (256 by default).
        Assert.Contains("more than the 256 images", Refused(With("\"measure\": { \"link\": \"tcp:127.0.0.1:1\", \"rotations\": 257 }")).Message);
    }

    [Fact]
    public void A_name_taken_from_the_file_name_says_so_when_it_is_refused()
    {
        var unnamed = Minimal.Replace("\"name\": \"c1\", ", "");
        var fromFile = Assert.Throws<CampaignException>(() => CampaignLoader.Parse(unnamed, "my campaign.json", defaultName: "my campaign")).Message;
        Assert.Contains("'my campaign' must be 1-64 characters of ASCII letters", fromFile);
        Assert.Contains("taken from the file name: give \"name\" in the file or --name", fromFile);
        var given = Refused(Minimal.Replace("\"name\": \"c1\"", "\"name\": \"my campaign\"")).Message;
        Assert.DoesNotContain("taken from the file name", given);
    }

    [Fact]
    public void A_seed_in_the_backend_options_is_refused_for_the_campaign_seed()
    {
        var json = Minimal.Replace("\"backend\": \"toy\"", "\"backend\": { \"name\": \"toy\", \"options\": { \"seed\": 3 } }");
        Assert.Contains("set the top-level \"seed\" instead", Refused(json).Message);
        Assert.Equal(3, CampaignLoader.Parse(With("\"seed\": 3"), "c.json").TrialDesignOptions.Seed);
    }

    [Fact]
    public void Duplicate_keys_inside_plugin_settings_are_refused_too()
    {
        var json = Minimal.Replace("\"strategy\": \"seeded-random\"", "\"strategy\": { \"name\": \"seeded-random\", \"settings\": { \"gamma\": 0.1, \"gamma\": 0.2 } }");
        Assert.Contains("$.strategy.settings.gamma: given twice", Refused(json).Message);
    }

    [Theory]
    [InlineData("\"name\": \"\\ud800\"", "name: the value is not valid Unicode text")]
    [InlineData("\"model\": \"a\\udc00b\"", "model: the value is not valid Unicode text")]
    [InlineData("\"checkpoint\": \"x\\ny\"", "checkpoint: the value contains a control character")]
    [InlineData("\"\\ud800\": 1", "$: a field name is not valid Unicode text")]
    public void Invalid_text_is_refused_naming_the_field(string fields, string expected)
    {
        var json = fields.StartsWith("\"name\"", StringComparison.Ordinal) ? Minimal.Replace("\"name\": \"c1\"", fields) : With(fields);
        var e = Refused(json);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Problems[0]);
    }

    [Theory]
    [InlineData("\"99999999999h\"")]
    [InlineData("1e308")]
    [InlineData("\"1e308s\"")]
    [InlineData("\"NaNs\"")]
    [InlineData("\"Infinity\"")]
    [InlineData("\"-5m\"")]
    [InlineData("\"367d\"")]
    [InlineData("40000000")]
    public void Out_of_range_wall_times_are_refused(string value)
    {
        var e = Refused(Minimal.Replace("\"budget\": { \"trials\": 5 }", $"\"budget\": {{ \"wallTime\": {value} }}"));
        Assert.Contains("budget.wallTime: must be", e.Message);
    }

    [Fact]
    public void A_year_of_wall_time_is_accepted() =>
        Assert.Equal(TimeSpan.FromHours(8784), CampaignLoader.Parse(Minimal.Replace("\"trials\": 5", "\"wallTime\": \"8784h\""), "c.json").Budget.WallTime);

    [Theory]
    [InlineData(-1, null, "seed: must be in [0, 2147483647] (got -1); set by --seed")]
    [InlineData(null, 0, "budget.trials: must be in [1, 1000000] (got 0); set by --trials")]
    [InlineData(null, 2_000_000, "budget.trials: must be in [1, 1000000] (got 2000000); set by --trials")]
    public void Command_line_overrides_follow_the_file_rules(int? seed, int? trials, string expected) =>
        Assert.Contains(expected, Refused(Minimal, new CampaignOverrides { Seed = seed, Trials = trials }).Message);

    [Fact]
    public void An_override_wall_time_beyond_a_year_is_refused() =>
        Assert.Contains("budget.wallTime: must be more than 0 s and at most 366 days",
            Refused(Minimal, new CampaignOverrides { WallTime = TimeSpan.FromDays(400) }).Message);

    [Fact]
    public void Files_over_the_size_limit_are_refused_without_reading_them_whole()
    {
        var dir = TestEnvironment.TempDir();
        var big = Path.Combine(dir, "big.json");
        var settings = "{ \"pad\": \"" + new string('x', 50 << 20) + "\" }";
        File.WriteAllText(big, Minimal.Replace("\"strategy\": \"seeded-random\"", $"\"strategy\": {{ \"name\": \"seeded-random\", \"settings\": {settings} }}"));
        Assert.Contains("is larger than 1 MiB", Assert.Throws<CampaignException>(() => CampaignLoader.Load(big)).Message);
        Assert.Contains("not a regular file", Assert.Throws<CampaignException>(() => CampaignLoader.Load("/dev/zero")).Message);
    }

    [Fact]
    public void Files_that_are_not_utf8_are_refused()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "latin1.json");
        var bytes = Encoding.UTF8.GetBytes(Minimal.Replace("c1", "c\u00e9"));
        File.WriteAllBytes(path, [.. bytes.Select(b => b == 0xC3 ? (byte)0xE9 : b).Where(b => b != 0xA9)]);
        Assert.Contains("is not UTF-8 text", Assert.Throws<CampaignException>(() => CampaignLoader.Load(path)).Message);
    }

    [Fact]
    public void A_utf8_byte_order_mark_is_accepted()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "bom.json");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. Encoding.UTF8.GetBytes(Minimal)]);
        Assert.Equal("c1", CampaignLoader.Load(path).Name);
    }

    /// <summary>A strategy that validates its settings: "level" must be a number in [0, 1].</summary>
    private sealed class ValidatingStrategy : ISearchStrategyFactory, ISettingsValidator
    {
        public string Name => "checked";
        public string Description => "test strategy with a settings check";
        public ISearchStrategy Create() => throw new InvalidOperationException("not used");
        public IReadOnlyList<SettingProblem> ValidateSettings(JsonElement settings) =>
            settings.ValueKind == JsonValueKind.Object && settings.TryGetProperty("level", out var v) && !(v.ValueKind == JsonValueKind.Number && v.GetDouble() is >= 0 and <= 1)
                ? [new SettingProblem("level", $"must be a number in [0, 1] (got {v.GetRawText()})")]
                : [];
    }

    [Fact]
    public void Component_settings_are_checked_at_load_time_with_their_json_path()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new ValidatingStrategy()));
        using var _ = provider;
        var spec = CampaignLoader.Parse(Minimal.Replace("\"strategy\": \"seeded-random\"", "\"strategy\": { \"name\": \"checked\", \"settings\": { \"level\": \"abc\" } }"), "c.json");
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer: null));
        Assert.Contains("$.strategy.settings.level: must be a number in [0, 1] (got \"abc\")", e.Message);

        var good = CampaignLoader.Parse(Minimal.Replace("\"strategy\": \"seeded-random\"", "\"strategy\": { \"name\": \"checked\", \"settings\": { \"level\": 0.5 } }"), "c.json");
        CampaignLoader.Validate(good, "c.json", components, TestEnvironment.Boards(), measurer: null);
    }

    /// <summary>A strategy without a settings check whose Initialize refuses its settings (as a third-party plugin might).</summary>
    private sealed class RefusingStrategy : ISearchStrategyFactory, ISearchStrategy
    {
        public string Name => "refusing";
        public string Description => "test strategy whose Initialize refuses every setting";
        public ISearchStrategy Create() => this;
        public void Initialize(StrategyContext context) => throw new ArgumentException("search strategy 'refusing': setting 'x' must be a number");
        public TrialSuggestion Ask() => throw new InvalidOperationException("not initialised");
        public void Tell(TrialOutcome outcome) => throw new InvalidOperationException("not initialised");
        public void Enqueue(ParameterSet parameters, string origin) => throw new InvalidOperationException("not initialised");
    }

    [Fact]
    public async Task A_strategy_refusing_its_settings_at_start_leaves_no_campaign_in_the_store()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents(s => s.AddHassComponent<ISearchStrategyFactory>(ComponentKind.Search, new RefusingStrategy()));
        using var _ = provider;
        var json = File.ReadAllText(TestEnvironment.SyntheticCampaign).Replace("{ \"name\": \"seeded-random\" }", "{ \"name\": \"refusing\", \"settings\": { \"x\": \"abc\" } }");
        var spec = CampaignLoader.Parse(json, "s.json");
        var db = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using var store = Storage.HassStore.Open(db);
        var e = await Assert.ThrowsAsync<CampaignException>(() => new Running.CampaignSearch(spec, "s.json", store, components, TestEnvironment.Boards()).RunAsync(default));
        Assert.Contains("strategy: search strategy 'refusing': setting 'x' must be a number", e.Message);
        Assert.Null(store.GetCampaign(spec.Name));
    }
}
