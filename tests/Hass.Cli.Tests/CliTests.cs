using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Storage;

namespace Hass.Cli.Tests;

public class CliTests
{
    [Fact]
    public async Task Run_status_trials_report_end_to_end()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var run = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "8");
        Assert.True(run.ExitCode == ExitCodes.Success, run.Err + run.Out);
        Assert.Contains("trial 8/8", run.Out);
        Assert.Contains("campaign 'synthetic' complete: trial budget reached (8); 8 trials run now, 8 in the store", run.Out);

        var status = await Cli.Run(store, "status");
        Assert.Equal(0, status.ExitCode);
        Assert.Contains("synthetic", status.Out);
        Assert.Contains("8/8", status.Out);

        var json = await Cli.Run(store, "trials", "synthetic", "--json", "--sort", "throughput");
        Assert.Equal(0, json.ExitCode);
        using var doc = JsonDocument.Parse(json.Out);
        Assert.Equal(8, doc.RootElement.GetArrayLength());

        var table = await Cli.Run(store, "trials", "synthetic", "--sort", "accuracy");
        Assert.Equal(0, table.ExitCode);
        Assert.Contains("fidelity", table.Out);

        var reportDir = Path.Combine(dir, "report");
        var report = await Cli.Run(store, "report", "synthetic", "-o", reportDir);
        Assert.True(report.ExitCode == 0, report.Err);
        foreach (var f in new[] { "report.json", "trials.csv", "pareto.csv", "accuracy-vs-throughput.png", "best-so-far.png" })
            Assert.True(File.Exists(Path.Combine(reportDir, f)), f);
        var png = File.ReadAllBytes(Path.Combine(reportDir, "accuracy-vs-throughput.png"));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47 }, png[..4]);
        Assert.True(png.Length > 5000);
        Assert.Equal(9, File.ReadAllLines(Path.Combine(reportDir, "trials.csv")).Length);
        using var reportJson = JsonDocument.Parse(File.ReadAllText(Path.Combine(reportDir, "report.json")));
        Assert.Equal(8, reportJson.RootElement.GetProperty("trials").GetInt32());
        Assert.Equal("synthetic", reportJson.RootElement.GetProperty("campaign").GetString());

        var resume = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "10");
        Assert.Equal(0, resume.ExitCode);
        Assert.Contains("2 trials run now, 10 in the store", resume.Out);
    }

    [Fact]
    public async Task Plugins_lists_components_and_json()
    {
        var r = await Cli.Run(Path.Combine(Cli.TempDir(), "x.db"), "plugins");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("seeded-random", r.Out);
        Assert.Contains("Hass.TestPlugins.Synthetic", r.Out);
        var j = await Cli.Run(Path.Combine(Cli.TempDir(), "x.db"), "plugins", "--json");
        using var doc = JsonDocument.Parse(j.Out);
        var kinds = doc.RootElement.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("kind").GetString()).ToHashSet();
        // boardlink: the host's own serial and tcp links (Hass.Board), listed like plugin components.
        Assert.Equal(["backend", "boardlink", "evaluator", "model", "pruning", "search"], kinds.Order());
        Assert.Contains("seeded-random-mo", j.Out);
    }

    [Fact]
    public async Task Broken_plugins_are_reported_with_exit_code_5_and_the_good_one_still_loads()
    {
        string[] args = ["plugins", "--no-builtin-plugins", "--plugins", Cli.TestPlugin("Synthetic"), "--plugins", Cli.TestPlugin("NoEntry"),
            "--plugins", Cli.TestPlugin("Throws"), "--plugins", Cli.TestPlugin("FutureSdk"), "--plugins", Cli.TestPlugin("Duplicate")];
        var r = await Cli.RunRaw(args);
        Assert.Equal(ExitCodes.PluginErrors, r.ExitCode);
        Assert.Contains("seeded-random", r.Out);
        Assert.Contains("Hass.TestPlugins.NoEntry': 'Hass.TestPlugins.NoEntry.dll' has no public class implementing IHassPlugin", r.Err);
        Assert.Contains("Hass.TestPlugins.Throws': Hass.TestPlugins.ThrowingPlugin.ConfigureServices threw InvalidOperationException", r.Err);
        Assert.Contains("Hass.TestPlugins.FutureSdk': built against SDK 2.0.0", r.Err);
        Assert.Contains("Hass.TestPlugins.Duplicate': backend component 'toy' is already registered by the plugin in", r.Err);
        Assert.Equal(4, r.Err.Split('\n').Count(l => l.StartsWith("error: plugin in", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_still_works_when_another_plugin_is_broken()
    {
        var dir = Cli.TempDir();
        var r = await Cli.Run(Path.Combine(dir, "hass.db"), "run", Cli.SyntheticCampaign, "--trials", "2", "--plugins", Cli.TestPlugin("Throws"));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("warning: plugin in", r.Err);
        Assert.Contains("ConfigureServices threw", r.Err);
    }

    [Theory]
    [InlineData("\"budget\": { \"trials\": 20 }", "\"budget\": { \"trials\": -3 }", "budget.trials: must be in [1, 1000000] (got -3)")]
    [InlineData("\"toleranceTop1\": 1.0", "\"toleranceTop1\": 101", "objective.toleranceTop1: must be in [0, 100] (got 101)")]
    [InlineData("\"board\": \"toy-board\"", "\"board\": \"vu9000\"", "board: unknown board 'vu9000'; available: toy-board")]
    [InlineData("\"name\": \"toy\"", "\"name\": \"warp\"", "backend.name: unknown backend 'warp'; available: toy")]
    [InlineData("\"name\": \"seeded-random\"", "\"name\": \"tpe\"", "strategy.name: unknown search 'tpe'; available: seeded-random, seeded-random-mo")]
    [InlineData("\"model\": \"synthetic-cnn\"", "\"model\": \"resnet18\"", "model: unknown model 'resnet18' (no evaluator supports it); available models: synthetic-cnn")]
    [InlineData("\"seed\": 7", "\"sed\": 7", "sed: unknown field (did you mean 'seed'?)")]
    [InlineData("\"seed\": 7,", "\"seed\": 7,,", "is not valid JSON")]
    public async Task Invalid_campaigns_exit_2_with_the_field_named(string from, string to, string expected)
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        var campaign = Cli.WriteCampaign(dir, t => t.Replace(from, to));
        var r = await Cli.Run(store, "run", campaign);
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains($"error: campaign {campaign} is not valid", r.Err);
        Assert.Contains(expected, r.Err);
        Assert.False(File.Exists(store), "an invalid campaign must not create or touch the store");
    }

    [Fact]
    public async Task Missing_campaign_file_and_bad_overrides_exit_2()
    {
        var store = Path.Combine(Cli.TempDir(), "hass.db");
        var missing = await Cli.Run(store, "run", "/nonexistent/campaign.json");
        Assert.Equal(ExitCodes.InvalidInput, missing.ExitCode);
        Assert.Contains("campaign /nonexistent/campaign.json is not valid:\n  - file not found", missing.Err);

        var wall = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--wall-time", "later");
        Assert.Equal(ExitCodes.InvalidInput, wall.ExitCode);
        Assert.Contains("--wall-time: 'later' is not a duration", wall.Err);

        var trials = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "0");
        Assert.Equal(ExitCodes.InvalidInput, trials.ExitCode);
        Assert.Contains("budget.trials: must be in [1, 1000000] (got 0)", trials.Err);

        var unknownOption = await Cli.Run(store, "run", "--trails", "3");
        Assert.Equal(ExitCodes.InvalidInput, unknownOption.ExitCode);
        Assert.Contains("Unrecognized command or argument", unknownOption.Err);
    }

    [Fact]
    public async Task Default_campaign_missing_is_explained()
    {
        var empty = Cli.TempDir();
        Commands.RunCommand.DefaultCampaignRoot = empty;
        Cli.Result r;
        try { r = await Cli.Run(Path.Combine(Cli.TempDir(), "hass.db"), "run"); }
        finally { Commands.RunCommand.DefaultCampaignRoot = AppContext.BaseDirectory; }
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains(Path.Combine(empty, "examples", "fmnist-hass.json"), r.Err);
        Assert.Contains("the default campaign examples/fmnist-hass.json is not shipped next to hass", r.Err);
    }

    [Fact]
    public async Task Store_in_use_exits_3_and_newer_schema_exits_4_without_losing_trials()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        Assert.Equal(0, (await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "3")).ExitCode);

        using (HassStore.Open(store))
        {
            var busy = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "5");
            Assert.Equal(ExitCodes.StoreInUse, busy.ExitCode);
            Assert.Contains($"error: store {store} is in use by PID {Environment.ProcessId}", busy.Err);
            var status = await Cli.Run(store, "status");
            Assert.Equal(ExitCodes.StoreInUse, status.ExitCode);
        }

        SetSchema(store, HassStore.SchemaVersion + 5);
        var newer = await Cli.Run(store, "status");
        Assert.Equal(ExitCodes.StoreUnusable, newer.ExitCode);
        Assert.Contains($"has schema version {HassStore.SchemaVersion + 5}, newer than this hass understands", newer.Err);
        var runNewer = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "5");
        Assert.Equal(ExitCodes.StoreUnusable, runNewer.ExitCode);

        SetSchema(store, HassStore.SchemaVersion);
        using var reopened = HassStore.Open(store);
        Assert.Equal(3, reopened.Trials("synthetic").Count);
    }

    private static void SetSchema(string path, int version)
    {
        using var db = new LiteDB.LiteDatabase(new LiteDB.ConnectionString { Filename = path, Connection = LiteDB.ConnectionType.Direct });
        var meta = db.GetCollection("meta");
        var doc = meta.FindById("schema");
        doc["version"] = version;
        meta.Upsert(doc);
        db.Checkpoint();
    }

    [Fact]
    public async Task Changed_campaign_under_an_existing_name_exits_2_and_keeps_the_trials()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        Assert.Equal(0, (await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "4")).ExitCode);
        var r = await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "6", "--seed", "99");
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains("a campaign 'synthetic' with different settings already exists", r.Err);
        using var s = HassStore.Open(store);
        Assert.Equal(4, s.Trials("synthetic").Count);
    }

    [Fact]
    public async Task Consecutive_failures_exit_1_with_the_cause()
    {
        var dir = Cli.TempDir();
        var campaign = Cli.WriteCampaign(dir, t => t.Replace("\"delayMs\": 0", "\"failAbove\": 0.0001"));
        var r = await Cli.Run(Path.Combine(dir, "hass.db"), "run", campaign);
        Assert.Equal(ExitCodes.Failure, r.ExitCode);
        Assert.Contains("5 trials failed in a row (maxConsecutiveFailures = 5)", r.Err);
    }

    [Fact]
    public async Task Unknown_campaign_in_status_trials_report_exits_2()
    {
        var dir = Cli.TempDir();
        var store = Path.Combine(dir, "hass.db");
        Assert.Equal(0, (await Cli.Run(store, "run", Cli.SyntheticCampaign, "--trials", "1")).ExitCode);
        foreach (var cmd in new[] { "status", "trials", "report" })
        {
            var r = await Cli.Run(store, cmd, "nope");
            Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
            Assert.Contains($"no campaign 'nope' in {store}; campaigns: synthetic", r.Err);
        }
        var sort = await Cli.Run(store, "trials", "synthetic", "--sort", "colour");
        Assert.Equal(ExitCodes.InvalidInput, sort.ExitCode);
        Assert.Contains("--sort: 'colour' is not a sort key", sort.Err);
        var noStore = await Cli.Run(Path.Combine(dir, "missing.db"), "status");
        Assert.Equal(ExitCodes.StoreUnusable, noStore.ExitCode);
        Assert.Contains("does not exist", noStore.Err);
    }

    [Fact]
    public async Task Boards_lists_and_reports_invalid_files()
    {
        var ok = await Cli.Run(Path.Combine(Cli.TempDir(), "x.db"), "boards");
        Assert.Equal(0, ok.ExitCode);
        Assert.Contains("toy-board", ok.Out);
        var dir = Cli.TempDir();
        File.WriteAllText(Path.Combine(dir, "broken.json"), "{ \"name\": \"b\", \"dsp\": -4, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }");
        var bad = await Cli.Run(Path.Combine(Cli.TempDir(), "x.db"), "boards", "--boards", dir);
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.Contains("broken.json': not a valid board description: $.dsp: must be more than 0 (got -4)", bad.Err);
        Assert.Contains("toy-board", bad.Out);
    }

    [Fact]
    public async Task Design_command_folds_a_graph_file_and_a_model()
    {
        var dir = Cli.TempDir();
        var graphPath = Path.Combine(dir, "graph.json");
        var json = await Cli.Run(Path.Combine(dir, "x.db"), "design", "--model", "synthetic-cnn", "--board", "toy-board", "--backend", "toy", "--json");
        Assert.True(json.ExitCode == 0, json.Err);
        using (var doc = JsonDocument.Parse(json.Out)) Assert.Equal("toy", doc.RootElement.GetProperty("backend").GetString());

        var s28 = new TensorShape(1, 28, 28);
        var c16 = new TensorShape(16, 14, 14);
        var graph = new NetworkGraph
        {
            Name = "tiny",
            Layers =
            [
                new Layer { Name = "input", Kind = LayerKind.Input, InputShape = s28, OutputShape = s28 },
                new Layer { Name = "features.2", Kind = LayerKind.Conv, Inputs = ["input"], InputShape = s28, OutputShape = c16, KernelRows = 3, KernelCols = 3, StrideRows = 2, StrideCols = 2 },
            ],
        };
        Hass.Abstractions.HassJson.WriteFile(graphPath, graph);
        var table = await Cli.Run(Path.Combine(dir, "x.db"), "design", "--graph", graphPath, "--board", "toy-board", "--backend", "toy");
        Assert.True(table.ExitCode == 0, table.Err);
        Assert.Contains("features.2", table.Out);
        Assert.Contains("img/s", table.Out);

        var bad = await Cli.Run(Path.Combine(dir, "x.db"), "design", "--graph", graphPath, "--board", "nope", "--backend", "toy");
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.Contains("--board: unknown board 'nope'; available: toy-board", bad.Err);
        File.WriteAllText(graphPath, "{}");
        var badGraph = await Cli.Run(Path.Combine(dir, "x.db"), "design", "--graph", graphPath, "--board", "toy-board", "--backend", "toy");
        Assert.Equal(ExitCodes.InvalidInput, badGraph.ExitCode);
        Assert.Contains($"--graph: '{graphPath}' is not a valid NetworkGraph", badGraph.Err);
    }

    [Fact]
    public async Task Version_prints_the_version()
    {
        var r = await Cli.RunRaw("--version");
        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("0.1.0", r.Out.Trim());
    }
    [Fact]
    public async Task Dataset_fetch_from_an_unreachable_mirror_exits_2_naming_file_and_mirror_and_keeps_nothing()
    {
        var dir = Cli.TempDir();
        var folder = Path.Combine(dir, "fmnist");
        var r = await Cli.RunRaw("dataset", "fetch", "--to", folder, "--mirror", "http://127.0.0.1:1/");
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains("could not get Fashion-MNIST file 'train-images-idx3-ubyte.gz'", r.Err);
        Assert.Contains("http://127.0.0.1:1/train-images-idx3-ubyte.gz", r.Err);
        Assert.Contains("dataset-fashion-mnist", r.Err);
        Assert.Empty(Directory.GetFiles(folder));
    }

    [Fact]
    public async Task Dataset_fetch_refuses_a_stale_file_and_leaves_it_in_place()
    {
        var dir = Cli.TempDir();
        var stale = Path.Combine(dir, "train-images-idx3-ubyte.gz");
        File.WriteAllText(stale, "half a download from elsewhere");
        var r = await Cli.RunRaw("dataset", "fetch", "--to", dir, "--mirror", "http://127.0.0.1:1/");
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains($"'{stale}' is there but its SHA-256 is", r.Err);
        Assert.Equal("half a download from elsewhere", File.ReadAllText(stale));
    }

    [Fact]
    public async Task Dataset_fetch_to_a_file_exits_2_naming_it_and_leaves_it()
    {
        var file = Path.Combine(Cli.TempDir(), "fmnist");
        File.WriteAllText(file, "not a folder");
        var r = await Cli.RunRaw("dataset", "fetch", "--to", Path.Combine(file, "sub"), "--mirror", "http://127.0.0.1:1/");
        Assert.Equal(ExitCodes.InvalidInput, r.ExitCode);
        Assert.Contains($"error: '{file}' is a file, so '{Path.Combine(file, "sub")}' cannot be the dataset folder; give a folder", r.Err);
        Assert.Equal("not a folder", File.ReadAllText(file));
    }
}
