using System.Text;
using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// Validation cases of the bad-input suite: every number or name option of
/// run/status/trials/report/design/model/graph/profile/boards/plugins with out-of-range and wrong-type values, and
/// every file kind hass reads (campaign, board, plugin.json, hass.json, graph/profile/folding/params JSON).
/// </summary>
public class ValidationBadInputTests(ITestOutputHelper output)
{
    private const int Bad = ExitCodes.InvalidInput;

    /// <summary>Writes examples/synthetic.json, edited, as {dir}/c.json.</summary>
    private static Action<string> Campaign(Func<string, string> edit) => dir =>
        File.WriteAllText(Path.Combine(dir, "c.json"), edit(File.ReadAllText(HassProcess.SyntheticCampaign)));

    private static Action<string> Campaign(string from, string to) => Campaign(t => t.Replace(from, to));

    private static Action<string> Write(string file, string text) => dir =>
    {
        var path = Path.Combine(dir, file);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    };

    private static Action<string> WriteBytes(string file, byte[] bytes) => dir => File.WriteAllBytes(Path.Combine(dir, file), bytes);

    /// <summary>A store holding the finished one-trial synthetic campaign "synthetic" (for status/trials/report cases).</summary>
    private static Action<string> Store => dir =>
    {
        var (code, _, err) = HassProcess.RunIn(dir, TimeSpan.FromSeconds(120), ["run", HassProcess.SyntheticCampaign, "--trials", "1", .. HassProcess.Common(Path.Combine(dir, "hass.db"))]);
        Assert.True(code == 0, "setting up the store failed: " + err);
    };

    /// <summary>Built-in plugins (search strategies, threshold pruning, zoo, dataflow) plus the synthetic one, fixture boards.</summary>
    private static string[] BuiltIn(params string[] args) =>
        [.. args, "--no-builtin-boards", "--boards", HassProcess.FixtureBoards, "--plugins", HassProcess.SyntheticPlugin, "--store", "{dir}/hass.db"];

    private static BadInputCase Run(string name, string[] extra, string[] words, Action<string>? setup = null) =>
        new(name, ["run", "{dir}/c.json", .. extra], Bad, words) { Setup = setup ?? Campaign(t => t) };

    private static readonly string Lone = "\"\\ud800\"";

    public static TheoryData<BadInputCase> Cases
    {
        get
        {
            var data = new TheoryData<BadInputCase>();
            foreach (var c in RunOptionCases().Concat(CampaignFileCases()).Concat(ComponentSettingsCases()).Concat(StoreCommandCases())
                         .Concat(DesignCases()).Concat(OtherFileCases()).Concat(ModelCommandCases()))
                data.Add(c);
            return data;
        }
    }

    /// <summary>hass run: command-line overrides follow the campaign file's rules.</summary>
    private static IEnumerable<BadInputCase> RunOptionCases()
    {
        foreach (var (value, word) in new[] { ("-1", "seed: must be in [0, 2147483647]"), ("abc", "--seed: 'abc' is not a whole number"), ("99999999999", "--seed") })
            yield return Run($"run --seed {value}", ["--seed", value], [word]);
        foreach (var (value, word) in new[] { ("0", "budget.trials"), ("-5", "budget.trials"), ("2000000", "budget.trials"), ("abc", "--trials"), ("1e3", "--trials") })
            yield return Run($"run --trials {value}", ["--trials", value], [word]);
        foreach (var (value, word) in new[] { ("0", "parallelism: must be in [1, 64] (got 0); set by --parallelism"), ("65", "parallelism: must be in [1, 64]"), ("two", "--parallelism") })
            yield return Run($"run --parallelism {value}", ["--parallelism", value], [word]);
        foreach (var value in new[] { "99999999999h", "-5m", "NaN", "abc", "400d", "1e308" })
            yield return Run($"run --wall-time {value}", ["--wall-time", value], ["wall"]);
        yield return Run("run --board unknown", ["--board", "nope"], ["board", "nope"]);
        yield return Run("run --strategy unknown", ["--strategy", "nope"], ["strategy", "nope"]);
        yield return Run("run --backend unknown", ["--backend", "nope"], ["backend", "nope"]);
        yield return Run("run --name with a space", ["--name", "a b"], ["name"]);
        yield return Run("run --name lone surrogate", ["--name", "\ud800"], ["name"]);
    }

    /// <summary>Campaign files.</summary>
    private static IEnumerable<BadInputCase> CampaignFileCases()
    {
        yield return Run("campaign: model twice", [], ["model: given twice"], Campaign("\"model\": \"synthetic-cnn\",", "\"model\": \"synthetic-cnn\", \"model\": \"other\","));
        yield return Run("campaign: model and MODEL", [], ["MODEL: given twice"], Campaign("\"model\": \"synthetic-cnn\",", "\"model\": \"synthetic-cnn\", \"MODEL\": \"synthetic-cnn\","));
        yield return Run("campaign: wallTime 99999999999h", [], ["budget.wallTime"], Campaign("\"trials\": 20", "\"wallTime\": \"99999999999h\""));
        yield return Run("campaign: wallTime 1e308", [], ["budget.wallTime"], Campaign("\"trials\": 20", "\"wallTime\": 1e308"));
        yield return Run("campaign: lone surrogate name", [], ["name", "Unicode"], Campaign("\"name\": \"synthetic\"", "\"name\": " + Lone));
        yield return Run("campaign: final.pickMargin -0.5", [], ["final.pickMargin", "[0, 100]"],
            Campaign("\"seed\": 7,", "\"seed\": 7, \"final\": { \"pickMargin\": -0.5 },"));
        yield return Run("campaign: final.confirmTop -1", [], ["final.confirmTop", "[0, 1000]"],
            Campaign("\"seed\": 7,", "\"seed\": 7, \"final\": { \"confirmTop\": -1 },"));
        yield return Run("campaign: final.confirmMargin \"half\"", [], ["final.confirmMargin"],
            Campaign("\"seed\": 7,", "\"seed\": 7, \"final\": { \"confirmMargin\": \"half\" },"));
        yield return Run("campaign: final.confirmIncumbents \"yes\"", [], ["final.confirmIncumbents", "true or false"],
            Campaign("\"seed\": 7,", "\"seed\": 7, \"final\": { \"confirmIncumbents\": \"yes\" },"));
        yield return Run("campaign: final.confirmGain -1", [], ["final.confirmGain", "[0, 100]"],
            Campaign("\"seed\": 7,", "\"seed\": 7, \"final\": { \"confirmGain\": -1 },"));
        yield return Run("campaign: dataset.confirmImages 0", [], ["dataset.confirmImages", "[1, 10000000]"],
            Campaign("\"searchImages\": 1000", "\"searchImages\": 1000, \"confirmImages\": 0"));
        yield return Run("campaign: searchOnTestSet with an evaluator that ignores it", [], ["$.dataset.searchOnTestSet", "evaluator 'synthetic'", "cannot search on the test set"],
            Campaign("\"searchImages\": 1000", "\"searchImages\": 1000, \"searchOnTestSet\": true"));
        yield return Run("campaign: lone surrogate model", [], ["model", "Unicode"], Campaign("\"model\": \"synthetic-cnn\"", "\"model\": " + Lone));
        yield return Run("campaign: control character", [], ["checkpoint", "control character"], Campaign("\"seed\": 7", "\"seed\": 7, \"checkpoint\": \"a\\tb\""));
        yield return Run("campaign: 50 MB of strategy settings", [], ["larger than 1 MiB"],
            Campaign("{ \"name\": \"seeded-random\" }", "{ \"name\": \"seeded-random\", \"settings\": { \"pad\": \"" + new string('x', 50 << 20) + "\" } }"));
        yield return new("campaign: /dev/zero", ["run", "/dev/zero"], Bad, ["not a regular file"]);
        yield return Run("campaign: not UTF-8", [], ["UTF-8"], WriteBytes("c.json", [.. Encoding.UTF8.GetBytes("{ \"name\": \"x"), 0xFF, .. Encoding.UTF8.GetBytes("\" }")]));
        yield return Run("campaign: truncated", [], ["not valid JSON"], Campaign(t => t[..(t.Length / 2)]));
        yield return Run("campaign: nested 100 deep", [], ["not valid JSON"], Campaign("\"seed\": 7", "\"seed\": " + new string('[', 100) + new string(']', 100)));
        yield return Run("campaign: seed -1", [], ["seed: must be in"], Campaign("\"seed\": 7", "\"seed\": -1"));
        yield return Run("campaign: parallelism \"2\"", [], ["parallelism"], Campaign("\"seed\": 7", "\"seed\": 7, \"parallelism\": \"2\""));
        yield return Run("campaign: huge searchImages", [], ["dataset.searchImages"], Campaign("\"searchImages\": 1000", "\"searchImages\": 1e300"));
        yield return Run("campaign: top level array", [], ["top level"], Write("c.json", "[1]"));
        yield return Run("campaign: three mistakes at once", [], ["$.budgt: unknown field (did you mean 'budget'?)", "$.warmStart: must be true or false (got \"yes\")", "$.maxConsecutiveFailures: must be in [1, 1000] (got 0)"],
            Campaign(t => t.Replace("\"seed\": 7,", "\"seed\": 7, \"budgt\": {}, \"maxConsecutiveFailures\": 0,").Replace("\"warmStart\": true", "\"warmStart\": \"yes\"")));
        yield return Run("campaign: parallelism 0", [], ["$.parallelism: must be in [1, 64] (got 0)"], Campaign("\"seed\": 7", "\"seed\": 7, \"parallelism\": 0"));
        yield return Run("campaign: strategy as a number", [], ["$.strategy: must be a name or an object"], Campaign("{ \"name\": \"seeded-random\" }", "5"));
        yield return Run("campaign: required member missing", [], ["$.model: is required"], Campaign("\"model\": \"synthetic-cnn\",", ""));
        foreach (var (link, problem) in new[] { ("tcp:localhost:0", "port in 1..65535"), ("tcp:localhost:99999", "port in 1..65535"),
                     ("serial:/dev/x@abc", "baud rate"), ("usb:1", "no known scheme") })
            yield return Run($"campaign: measure.link {link}", [], ["$.measure.link", $"'{link}'", problem, "tcp:host:port"],
                Campaign("\"seed\": 7", $"\"seed\": 7, \"measure\": {{ \"link\": \"{link}\" }}"));
    }

    /// <summary>Settings checked by the components before anything is stored (built-in plugins).</summary>
    private static IEnumerable<BadInputCase> ComponentSettingsCases()
    {
        yield return new("campaign: tpe gamma \"abc\"", BuiltIn("run", "{dir}/c.json"), Bad, ["strategy.settings.gamma"])
            { Synthetic = false, Setup = Campaign("{ \"name\": \"seeded-random\" }", "{ \"name\": \"tpe\", \"settings\": { \"gamma\": \"abc\" } }") };
        yield return new("campaign: unknown field in threshold pruning settings", BuiltIn("run", "{dir}/c.json"), Bad, ["pruning.settings.colour", "unknown field"])
            { Synthetic = false, Setup = Campaign("{ \"name\": \"synthetic-threshold\", \"settings\": { \"delayMs\": 0 } }", "{ \"name\": \"threshold\", \"settings\": { \"colour\": 1 } }") };
        yield return new("campaign: searchImages beyond the held-out images", BuiltIn("run", "{dir}/c.json"), Bad, ["dataset.searchImages", "at most 20000", "got 22000"])
            { Synthetic = false, Setup = Campaign(t => t.Replace("synthetic-cnn", "fmnist-vgg").Replace("\"name\": \"synthetic\", \"searchImages\": 1000", "\"name\": \"fashion-mnist\", \"searchImages\": 22000")
                .Replace("{ \"name\": \"synthetic-threshold\", \"settings\": { \"delayMs\": 0 } }", "\"threshold\"")) };
        yield return new("campaign: a larger search split leaves fewer confirmation images", BuiltIn("run", "{dir}/c.json"), Bad, ["dataset.confirmImages", "at most 16000", "dataset.searchImages", "got 18000"])
            { Synthetic = false, Setup = Campaign(t => t.Replace("synthetic-cnn", "fmnist-vgg").Replace("\"name\": \"synthetic\", \"searchImages\": 1000", "\"name\": \"fashion-mnist\", \"searchImages\": 4000, \"confirmImages\": 18000")
                .Replace("{ \"name\": \"synthetic-threshold\", \"settings\": { \"delayMs\": 0 } }", "\"threshold\"")) };
        yield return new("campaign: confirmImages beyond the confirmation split", BuiltIn("run", "{dir}/c.json"), Bad, ["dataset.confirmImages", "at most 18000", "got 19000"])
            { Synthetic = false, Setup = Campaign(t => t.Replace("synthetic-cnn", "fmnist-vgg").Replace("\"name\": \"synthetic\", \"searchImages\": 1000", "\"name\": \"fashion-mnist\", \"searchImages\": 1000, \"confirmImages\": 19000")
                .Replace("{ \"name\": \"synthetic-threshold\", \"settings\": { \"delayMs\": 0 } }", "\"threshold\"")) };
    }

    /// <summary>status / trials / report.</summary>
    private static IEnumerable<BadInputCase> StoreCommandCases()
    {
        yield return new("trials --top 0", ["trials", "synthetic", "--top", "0"], Bad, ["--top", "[1,"]) { Setup = Store };
        yield return new("trials --top -1", ["trials", "synthetic", "--top", "-1"], Bad, ["--top"]) { Setup = Store };
        yield return new("trials --top abc", ["trials", "synthetic", "--top", "abc"], Bad, ["--top", "whole number"]) { Setup = Store };
        yield return new("trials --sort unknown", ["trials", "synthetic", "--sort", "nope"], Bad, ["--sort"]) { Setup = Store };
        yield return new("trials unknown campaign", ["trials", "nope"], Bad, ["nope"]) { Setup = Store };
        yield return new("status unknown campaign", ["status", "nope"], Bad, ["nope"]) { Setup = Store };
        yield return new("report unknown campaign", ["report", "nope"], Bad, ["nope"]) { Setup = Store };
        string[] withoutSyntheticPlugin = ["--store", "{dir}/hass.db", "--no-builtin-boards", "--boards", HassProcess.FixtureBoards];
        yield return new("export: the campaign's model plugin not loaded", ["export", "synthetic", "--trial", "1", "--out", "{dir}/out", .. withoutSyntheticPlugin],
            Bad, ["'synthetic-cnn'", "--plugins"]) { Setup = Store, Synthetic = false };
        yield return new("board measure: the campaign's model plugin not loaded", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", .. withoutSyntheticPlugin],
            Bad, ["'synthetic-cnn'", "--plugins"]) { Setup = Store, Synthetic = false };
    }

    /// <summary>design and its files.</summary>
    private static IEnumerable<BadInputCase> DesignCases()
    {
        yield return new("design --board unknown", ["design", "--model", "synthetic-cnn", "--board", "nope", "--backend", "toy"], Bad, ["--board", "nope"]);
        yield return new("design --backend unknown", ["design", "--model", "synthetic-cnn", "--board", "toy-board", "--backend", "nope"], Bad, ["--backend", "nope"]);
        yield return new("design --model unknown", ["design", "--model", "nope", "--board", "toy-board", "--backend", "toy"], Bad, ["--model", "nope"]);
        yield return new("design without a graph", ["design", "--board", "toy-board", "--backend", "toy"], Bad, ["--graph"]);
        yield return new("design --graph truncated", ["design", "--graph", "{dir}/g.json", "--board", "toy-board", "--backend", "toy"], Bad, ["--graph"]) { Setup = Write("g.json", "{ \"name\": ") };
        yield return new("design --graph unknown field", ["design", "--graph", "{dir}/g.json", "--board", "toy-board", "--backend", "toy"], Bad, ["--graph", "colour"])
            { Setup = Write("g.json", "{ \"schema\": 1, \"name\": \"g\", \"classes\": 10, \"layers\": [], \"colour\": 1 }") };
        yield return new("design --graph with a layer whose input shape is not its source's", ["design", "--graph", "{dir}/g.json", "--board", "zedboard"], Bad,
                ["layer 'conv' takes a 3x8x8 input, but 'input' gives 1x8x8"])
            {
                Synthetic = false,
                Setup = Write("g.json", """
                    {"schema":1,"name":"g","classes":4,"layers":[
                    {"name":"input","kind":"input","inputs":[],"inputShape":{"channels":1,"rows":8,"cols":8},"outputShape":{"channels":1,"rows":8,"cols":8}},
                    {"name":"conv","kind":"conv","inputs":["input"],"inputShape":{"channels":3,"rows":8,"cols":8},"outputShape":{"channels":4,"rows":8,"cols":8},
                     "kernelRows":3,"kernelCols":3,"padTop":1,"padBottom":1,"padLeft":1,"padRight":1,"hasBias":true}]}
                    """),
            };
        yield return new("design --profile wrong type", ["design", "--model", "synthetic-cnn", "--profile", "{dir}/p.json", "--board", "toy-board", "--backend", "toy"], Bad, ["--profile", "images"])
            { Setup = Write("p.json", "{ \"schema\": 1, \"model\": \"m\", \"images\": \"many\", \"layers\": [] }") };
        yield return new("design --folding wrong type", ["design", "--model", "synthetic-cnn", "--folding", "{dir}/f.json", "--board", "toy-board", "--backend", "toy"], Bad, ["--folding", "coarseIn"])
            { Setup = Write("f.json", "{ \"conv1\": { \"coarseIn\": \"abc\" } }") };
        yield return new("design --folding duplicate layer", ["design", "--model", "synthetic-cnn", "--folding", "{dir}/f.json", "--board", "toy-board", "--backend", "toy"], Bad, ["--folding", "given twice"])
            { Setup = Write("f.json", "{ \"conv1\": { \"coarseIn\": 1 }, \"conv1\": { \"coarseIn\": 2 } }") };
    }

    /// <summary>Board files, plugin.json and hass.json.</summary>
    private static IEnumerable<BadInputCase> OtherFileCases()
    {
        yield return new("boards: unknown field", ["boards", "--boards", "{dir}/b"], Bad, ["b.json", "colour"])
            { Setup = Write("b/b.json", "{ \"name\": \"b\", \"colour\": 1, \"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }") };
        yield return new("boards: upper-case name", ["boards", "--boards", "{dir}/b"], Bad, ["Big.json", "lower-case"])
            { Setup = Write("b/Big.json", "{ \"name\": \"Big\", \"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }") };
        yield return new("boards: name is not the file name", ["boards", "--boards", "{dir}/b"], Bad, ["b.json", "file name"])
            { Setup = Write("b/b.json", "{ \"name\": \"c\", \"dsp\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }") };
        yield return new("boards: required member missing and a typo", ["boards", "--boards", "{dir}/b"], Bad, ["b.json", "$.dps: unknown field (did you mean 'dsp'?)", "$.dsp: is required"])
            { Setup = Write("b/b.json", "{ \"name\": \"b\", \"dps\": 1, \"bram18\": 1, \"lut\": 1, \"ff\": 1, \"clockMhz\": 100, \"memoryBandwidthGbps\": 1 }") };
        yield return new("boards: folder missing", ["boards", "--boards", "{dir}/none"], Bad, ["none"]);
        yield return new("plugins: plugin.json unknown field", ["plugins", "--plugins", "{dir}/p"], ExitCodes.PluginErrors, ["plugin.json", "colour"])
            { Setup = Write("p/plugin.json", "{ \"name\": \"p\", \"version\": \"1.0.0\", \"sdkVersion\": \"1.0.0\", \"entryAssembly\": \"p.dll\", \"colour\": 1 }") };
        yield return new("plugins: plugin.json wrong type", ["plugins", "--plugins", "{dir}/p"], ExitCodes.PluginErrors, ["plugin.json", "version"])
            { Setup = Write("p/plugin.json", "{ \"name\": \"p\", \"version\": 1, \"sdkVersion\": \"1.0.0\", \"entryAssembly\": \"p.dll\" }") };
        yield return new("hass.json: wrong type", ["boards"], Bad, ["hass.json", "store"]) { Setup = Write("hass.json", "{ \"store\": 5 }") };
        yield return new("hass.json: duplicate key", ["boards"], Bad, ["hass.json", "given twice"]) { Setup = Write("hass.json", "{ \"store\": \"a.db\", \"Store\": \"b.db\" }") };
        yield return new("hass.json: unknown field", ["boards"], Bad, ["hass.json", "stor"]) { Setup = Write("hass.json", "{ \"stor\": \"a.db\" }") };
    }

    /// <summary>The model commands: numbers, names and files; errors on stderr.</summary>
    private static IEnumerable<BadInputCase> ModelCommandCases()
    {
        foreach (var (command, extra) in new[] { ("model eval", new[] { "model", "eval", "fmnist-vgg" }), ("model train", new[] { "model", "train", "fmnist-vgg" }), ("profile", new[] { "profile", "fmnist-vgg" }) })
            foreach (var value in new[] { "0", "-1", "100000", "abc" })
                yield return new($"{command} --threads {value}", [.. extra, "--threads", value], Bad, ["--threads"]) { Synthetic = false };
        yield return new("model eval --images 0", ["model", "eval", "fmnist-vgg", "--images", "0"], Bad, ["--images"]) { Synthetic = false };
        yield return new("model train --epochs -1", ["model", "train", "fmnist-vgg", "--epochs", "-1"], Bad, ["--epochs"]) { Synthetic = false };
        yield return new("model train --seed -1", ["model", "train", "fmnist-vgg", "--seed", "-1"], Bad, ["--seed"]) { Synthetic = false };
        yield return new("profile --calibration-images 0", ["profile", "fmnist-vgg", "--calibration-images", "0"], Bad, ["--calibration-images"]) { Synthetic = false };
        yield return new("model eval unknown model", ["model", "eval", "nope"], Bad, ["nope"]) { Synthetic = false };
        yield return new("model export unknown model", ["model", "export", "nope", "--out", "{dir}/x.pt"], Bad, ["nope"]) { Synthetic = false };
        yield return new("graph unknown model", ["graph", "nope"], Bad, ["nope"]) { Synthetic = false };
        yield return new("profile unknown model", ["profile", "nope"], Bad, ["nope"]) { Synthetic = false };
        yield return new("profile --params duplicate key", ["profile", "fmnist-vgg", "--params", "{dir}/p.json"], Bad, ["p.json"])
            { Synthetic = false, Setup = Write("p.json", "{ \"w:features.0\": 0.1, \"w:features.0\": 0.2 }") };
        yield return new("profile --params wrong type", ["profile", "fmnist-vgg", "--params", "{dir}/p.json"], Bad, ["p.json"])
            { Synthetic = false, Setup = Write("p.json", "{ \"w:features.0\": \"high\" }") };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);

    [Fact]
    public void A_refused_strategy_setting_leaves_nothing_behind_and_the_corrected_file_runs()
    {
        var dir = HassProcess.TempDir();
        var campaign = Path.Combine(dir, "c.json");
        var text = File.ReadAllText(HassProcess.SyntheticCampaign).Replace("\"trials\": 20", "\"trials\": 3");
        File.WriteAllText(campaign, text.Replace("{ \"name\": \"seeded-random\" }", "{ \"name\": \"tpe\", \"settings\": { \"gamma\": \"abc\" } }"));
        string[] args = ["run", campaign, "--no-builtin-boards", "--boards", HassProcess.FixtureBoards, "--plugins", HassProcess.SyntheticPlugin, "--store", Path.Combine(dir, "hass.db")];
        var bad = HassProcess.RunIn(dir, TimeSpan.FromSeconds(60), args);
        Assert.Equal(ExitCodes.InvalidInput, bad.ExitCode);
        Assert.Contains("strategy.settings.gamma: must be a number in [0, 1] (got \"abc\")", bad.Err);
        Assert.False(File.Exists(Path.Combine(dir, "hass.db")), "a refused campaign must not create the store");

        File.WriteAllText(campaign, text.Replace("{ \"name\": \"seeded-random\" }", "{ \"name\": \"tpe\", \"settings\": { \"gamma\": 0.2 } }"));
        var good = HassProcess.RunIn(dir, TimeSpan.FromSeconds(120), args);
        Assert.True(good.ExitCode == 0, good.Err);
    }
}
