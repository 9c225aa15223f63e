using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Engine.Campaigns;
using Hass.Engine.Running;

namespace Hass.Engine.Tests;

public class CampaignFileTests
{
    private const string Minimal = """
        { "name": "c1", "model": "synthetic-cnn", "pruning": "synthetic-threshold", "backend": "toy", "board": "toy-board",
          "strategy": "seeded-random", "budget": { "trials": 5 } }
        """;

    [Fact]
    public void Minimal_campaign_gets_the_documented_defaults()
    {
        var spec = CampaignLoader.Parse(Minimal, "test");
        Assert.Equal(ObjectiveMetric.Throughput, spec.Objective.Metric);
        Assert.Equal(1.0, spec.Objective.ToleranceTop1);
        Assert.True(spec.WarmStart);
        Assert.True(spec.EarlyStop.Enabled);
        Assert.Equal(3.0, spec.EarlyStop.DropFactor);
        Assert.Equal(5, spec.MaxConsecutiveFailures);
        Assert.Equal(2000, spec.Dataset.SearchImages);
        Assert.Null(spec.Dataset.ConfirmImages);
        Assert.Equal(8, spec.Final.ConfirmTop);
        Assert.Equal(0.25, spec.Final.ConfirmMargin);
        Assert.Null(spec.Measure);
    }

    [Fact]
    public void Confirm_images_are_not_part_of_the_identity_but_reach_the_evaluator()
    {
        var plain = CampaignLoader.Parse(Minimal, "test");
        var confirmed = CampaignLoader.Parse(Minimal.Replace("\"budget\"", "\"dataset\": { \"confirmImages\": 4000 }, \"budget\""), "test");
        Assert.Equal(4000, confirmed.Dataset.ConfirmImages);
        Assert.Equal(plain.IdentityJson(), confirmed.IdentityJson());
        Assert.Equal(4000, confirmed.ToEvaluatorSpec().ConfirmImages);
        Assert.Null(plain.ToEvaluatorSpec().ConfirmImages);
    }

    [Fact]
    public void Searching_on_the_test_set_is_part_of_the_identity_only_when_on_and_reaches_the_evaluator()
    {
        var plain = CampaignLoader.Parse(Minimal, "test");
        var off = CampaignLoader.Parse(Minimal.Replace("\"budget\"", "\"dataset\": { \"searchOnTestSet\": false }, \"budget\""), "test");
        var oracle = CampaignLoader.Parse(Minimal.Replace("\"budget\"", "\"dataset\": { \"searchOnTestSet\": true }, \"budget\""), "test");
        Assert.Equal(plain.IdentityJson(), off.IdentityJson());
        Assert.NotEqual(plain.IdentityJson(), oracle.IdentityJson());
        Assert.True(oracle.ToEvaluatorSpec().SearchOnTestSet);
        Assert.False(plain.ToEvaluatorSpec().SearchOnTestSet);
    }

    [Fact]
    public void Design_options_are_read_from_the_backend_section()
    {
        var json = Minimal.Replace("\"backend\": \"toy\"", """
            "backend": { "name": "toy", "options": { "batchSize": 1, "sparseCycles": "average", "skipAllZeroWindows": false,
              "denseBelowSparsity": 0.2, "pointwiseClusters": 4, "lutramMaxDepth": 128, "uramMinBram18": 8 } }
            """);
        var o = CampaignLoader.Parse(json, "test").Backend.Options;
        Assert.Equal(1, o.BatchSize);
        Assert.Equal("average", o.SparseCycles);
        Assert.False(o.SkipAllZeroWindows);
        Assert.Equal(0.2, o.DenseBelowSparsity);
        Assert.Equal(4, o.PointwiseClusters);
        Assert.Equal(128, o.LutramMaxDepth);
        Assert.Equal(8, o.UramMinBram18);
        var defaults = CampaignLoader.Parse(Minimal, "test").Backend.Options;
        Assert.Equal("lane-max", defaults.SparseCycles);
        Assert.True(defaults.SkipAllZeroWindows);
    }

    [Fact]
    public void Example_synthetic_campaign_parses()
    {
        var spec = CampaignLoader.Load(TestEnvironment.SyntheticCampaign);
        Assert.Equal("synthetic", spec.Name);
        Assert.Equal(0.9, spec.Backend.Options.ResourceAllocation);
    }

    [Theory]
    [InlineData("{ \"name\": ", "is not valid JSON")]
    [InlineData("[1,2]", "the top level must be a JSON object")]
    public void Malformed_json_is_reported(string json, string expected)
    {
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Parse(json, "bad.json"));
        Assert.Contains("campaign bad.json is not valid", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("\"objective\": { \"toleranceTop1\": 150 }", "$.objective.toleranceTop1: must be in [0, 100] (got 150)")]
    [InlineData("\"objective\": { \"metric\": \"speed\" }", "$.objective.metric: must be one of throughput, gops-per-dsp, latency or multi (got \"speed\")")]
    [InlineData("\"objective\": { \"metric\": \"latency\", \"direction\": \"maximize\" }", "objective.direction: metric 'latency' can only be minimized")]
    [InlineData("\"budget\": { \"trials\": 0 }", "budget.trials: must be in [1, 1000000] (got 0)")]
    [InlineData("\"budget\": { \"trials\": 5, \"wallTime\": \"soon\" }", "$.budget.wallTime: must be seconds, \"hh:mm:ss\" or like \"15m\" (got \"soon\")")]
    [InlineData("\"seed\": -1", "seed: must be in [0, 2147483647] (got -1)")]
    [InlineData("\"seed\": \"x\"", "$.seed: must be a whole number in [0, 2147483647] (got \"x\")")]
    [InlineData("\"budgt\": {}", "$.budgt: unknown field (did you mean 'budget'?)")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"resourceAllocation\": 1.5 } }", "backend.options.resourceAllocation: must be in (0, 1] (got 1.5)")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"batchSize\": 0 } }", "backend.options.batchSize: must be in [1, 1048576] (got 0)")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"sparseCycles\": \"median\" } }", "backend.options.sparseCycles: 'median' is not a sparse cycle figure; use lane-max or average")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"pointwiseClusters\": 0 } }", "backend.options.pointwiseClusters: must be in [1, 65536] (got 0)")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"skipAllZeroWindows\": 1 } }", "backend.options.skipAllZeroWindows: must be true or false")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"lutramMaxDepth\": -1 } }", "backend.options.lutramMaxDepth: must be in [0, 1048576] (got -1)")]
    [InlineData("\"backend\": { \"name\": \"toy\", \"options\": { \"uramMinBram18\": 0 } }", "backend.options.uramMinBram18: must be in [1, 1048576] (got 0)")]
    [InlineData("\"dataset\": { \"searchImages\": 0 }", "dataset.searchImages: must be in [1, 10000000] (got 0)")]
    [InlineData("\"earlyStop\": { \"dropFactor\": 0.5 }", "earlyStop.dropFactor: must be in [1, 1000] (got 0.5)")]
    [InlineData("\"final\": { \"pickMargin\": -1 }", "final.pickMargin: must be in [0, 100] (got -1)")]
    [InlineData("\"final\": { \"confirmTop\": -1 }", "final.confirmTop: must be in [0, 1000] (got -1)")]
    [InlineData("\"final\": { \"confirmTop\": 1001 }", "final.confirmTop: must be in [0, 1000] (got 1001)")]
    [InlineData("\"final\": { \"confirmMargin\": -0.5 }", "final.confirmMargin: must be in [0, 100] (got -0.5)")]
    [InlineData("\"final\": { \"confirmGain\": -1 }", "final.confirmGain: must be in [0, 100] (got -1)")]
    [InlineData("\"final\": { \"confirmGain\": 101 }", "final.confirmGain: must be in [0, 100] (got 101)")]
    [InlineData("\"final\": { \"confirmSigmas\": -0.5 }", "final.confirmSigmas: must be in [0, 10] (got -0.5)")]
    [InlineData("\"final\": { \"confirmFaster\": -1 }", "final.confirmFaster: must be in [0, 1000] (got -1)")]
    [InlineData("\"final\": { \"confirmFasterCandidates\": \"fastest\" }", "final.confirmFasterCandidates: must be one of front, withinLimit (got \"fastest\")")]
    [InlineData("\"final\": { \"calibrateSearchDrop\": 1 }", "final.calibrateSearchDrop: must be true or false (got 1)")]
    [InlineData("\"final\": { \"incumbentImages\": 0 }", "final.incumbentImages: must be in [1, 1000000] (got 0)")]
    [InlineData("\"final\": { \"confirmIncumbents\": \"yes\" }", "final.confirmIncumbents: must be true or false (got \"yes\")")]
    [InlineData("\"final\": { \"mirrorConfirmations\": \"yes\" }", "final.mirrorConfirmations: must be true or false (got \"yes\")")]
    [InlineData("\"dataset\": { \"confirmImages\": 0 }", "dataset.confirmImages: must be in [1, 10000000] (got 0)")]
    [InlineData("\"maxConsecutiveFailures\": 0", "maxConsecutiveFailures: must be in [1, 1000] (got 0)")]
    [InlineData("\"measure\": { \"link\": \"tcp:localhost:1\", \"designs\": { \"topK\": 0 } }", "measure.designs: set topK and/or everyN above 0")]
    [InlineData("\"name\": \"a b\"", "name: 'a b' must be 1-64 characters")]
    public void Out_of_range_or_wrong_values_name_the_field(string field, string expected)
    {
        var json = Minimal.TrimEnd().TrimEnd('}') + ", " + field + " }";
        // Later duplicate keys would be ambiguous; replace instead of append when the field exists in Minimal.
        var key = field[..(field.IndexOf(':'))].Trim();
        if (Minimal.Contains(key)) json = ReplaceField(key, field);
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Parse(json, "c.json"));
        Assert.Contains(expected, e.Message);
    }

    private static string ReplaceField(string key, string field)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(Minimal)!.AsObject();
        var replacement = System.Text.Json.Nodes.JsonNode.Parse("{" + field + "}")!.AsObject();
        foreach (var kv in replacement.ToList()) { replacement.Remove(kv.Key); doc[kv.Key] = kv.Value; }
        return doc.ToJsonString();
    }

    [Fact]
    public void Missing_required_fields_are_all_listed()
    {
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Parse("{ \"name\": \"x\" }", "c.json"));
        Assert.Contains("$.model: is required", e.Message);
        Assert.Contains("$.pruning: is required", e.Message);
        Assert.Contains("$.backend: is required", e.Message);
        Assert.Contains("$.board: is required", e.Message);
        Assert.Contains("$.strategy: is required", e.Message);
    }

    [Fact]
    public void Overrides_replace_the_common_fields()
    {
        var spec = CampaignLoader.Parse(Minimal, "test", new CampaignOverrides { Trials = 9, Board = "b2", Strategy = "other", Seed = 3, WallTime = TimeSpan.FromMinutes(2), Name = "n2" });
        Assert.Equal(9, spec.Budget.Trials);
        Assert.Equal("b2", spec.Board);
        Assert.Equal("other", spec.Strategy.Name);
        Assert.Equal(3, spec.Seed);
        Assert.Equal(TimeSpan.FromMinutes(2), spec.Budget.WallTime);
        Assert.Equal("n2", spec.Name);
        Assert.Equal(System.Text.Json.JsonValueKind.Object, spec.Strategy.Settings.ValueKind);
        var roundTrip = Hass.Abstractions.HassJson.Deserialize<CampaignSpec>(Hass.Abstractions.HassJson.Serialize(spec));
        Assert.Equal(spec.IdentityJson(), roundTrip.IdentityJson());
    }

    [Fact]
    public void Unknown_component_and_board_names_list_the_available_ones()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var json = Minimal.Replace("\"toy\"", "\"warp-drive\"").Replace("\"seeded-random\"", "\"tpe-x\"").Replace("toy-board", "no-board").Replace("synthetic-cnn", "resnet9000");
        var spec = CampaignLoader.Parse(json, "c.json");
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer: null));
        Assert.Contains("$.backend.name: unknown backend 'warp-drive'; available: toy", e.Message);
        Assert.Contains("$.strategy.name: unknown search 'tpe-x'; available: seeded-random, seeded-random-mo", e.Message);
        Assert.Contains("$.board: unknown board 'no-board' (did you mean 'toy-board'?); available: toy-board", e.Message);
        Assert.Contains("$.model: unknown model 'resnet9000' (no evaluator supports it); available models: synthetic-cnn", e.Message);
    }

    [Fact]
    public void Measure_section_without_a_measurer_and_multi_without_a_multi_strategy_are_refused()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var json = Minimal.TrimEnd().TrimEnd('}') + ", \"measure\": { \"link\": \"tcp:127.0.0.1:9\" }, \"objective\": { \"metric\": \"multi\" } }";
        var spec = CampaignLoader.Parse(json, "c.json");
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer: null));
        Assert.Contains("$.measure: this build has no design measurer", e.Message);
        Assert.Contains("$.objective.metric: 'multi' needs a multi-objective strategy, and 'seeded-random' is not one", e.Message);
    }

    [Theory]
    [InlineData("tcp:localhost:0", "expected host:port with a port in 1..65535")]
    [InlineData("tcp:localhost:99999", "expected host:port with a port in 1..65535")]
    [InlineData("serial:/dev/x@abc", "expected a port and a baud rate")]
    [InlineData("serial:/dev/x@9600,loud", "unknown parity 'loud'")]
    [InlineData("usb:1", "has no known scheme")]
    public void A_measure_link_the_board_links_refuse_is_refused_naming_the_field(string link, string problem)
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var spec = CampaignLoader.Parse(Minimal.TrimEnd().TrimEnd('}') + $", \"measure\": {{ \"link\": \"{link}\" }} }}", "c.json");
        var measurer = new BoardDesignMeasurer(BoardLinks.Standard);
        var e = Assert.Throws<CampaignException>(() => CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), measurer));
        Assert.Contains($"$.measure.link: board address '{link}'", e.Message);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void A_measure_link_of_a_scheme_a_plugin_registers_is_accepted()
    {
        var (provider, components) = TestEnvironment.SyntheticComponents();
        using var _ = provider;
        var spec = CampaignLoader.Parse(Minimal.TrimEnd().TrimEnd('}') + ", \"measure\": { \"link\": \"usb:1\" } }", "c.json");
        var links = new BoardLinks([new SerialLinkFactory(), new TcpLinkFactory(), new UsbLinkFactory()]);
        CampaignLoader.Validate(spec, "c.json", components, TestEnvironment.Boards(), new BoardDesignMeasurer(links));
    }

    private sealed class UsbLinkFactory : IBoardLinkFactory
    {
        public string Name => "usb";
        public string Description => "test-only scheme";
        public string Scheme => "usb";
        public IBoardLink Create(string address) => throw new NotSupportedException();
    }
}
