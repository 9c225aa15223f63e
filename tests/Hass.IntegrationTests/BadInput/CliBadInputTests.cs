using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// Bad input to design, graph, board probe/measure/emulate, model, profile, dataset and report: missing values,
/// unknown names, bad link strings, missing files and folders given for files.
/// </summary>
public class CliBadInputTests(ITestOutputHelper output)
{
    private const int Bad = ExitCodes.InvalidInput;

    private static readonly string[] Toy = ["--backend", "toy", "--board", "toy-board"];

    public static TheoryData<BadInputCase> Cases => new()
    {
        // design
        // A value-less option must be the last token: these run without the synthetic options appended after them.
        new("design: --board without a value", ["design", "--model", "synthetic-cnn", "--backend", "toy", "--board"], Bad, ["--board", "--help"]) { Synthetic = false },
        new("design: unknown board", ["design", "--model", "synthetic-cnn", "--backend", "toy", "--board", "nope"], Bad, ["nope", "toy-board"]),
        new("design: unknown backend", ["design", "--model", "synthetic-cnn", "--board", "toy-board", "--backend", "nope"], Bad, ["'nope'", "toy"]),
        new("design: unknown model", ["design", "--model", "nope", .. Toy], Bad, ["'nope'", "synthetic-cnn"]),
        new("design: neither --graph nor --model", ["design", .. Toy], Bad, ["--graph", "--model"]),
        new("design: unknown option", ["design", "--bogus", .. Toy], Bad, ["--bogus", "--help"]),
        new("design: graph file missing", ["design", "--graph", "{dir}/missing.json", .. Toy], Bad, ["missing.json"]),
        new("design: graph is a folder", ["design", "--graph", "{dir}/sub", .. Toy], Bad, ["sub"]) { Setup = d => Directory.CreateDirectory(Path.Combine(d, "sub")) },
        new("design: graph is not JSON", ["design", "--graph", "{dir}/g.json", .. Toy], Bad, ["g.json"]) { Setup = d => File.WriteAllText(Path.Combine(d, "g.json"), "not json") },
        new("design: profile of another network", ["design", "--model", "synthetic-cnn", "--profile", "{dir}/p.json", .. Toy], Bad,
            ["--profile", "p.json", "'synthetic-cnn' does not have: 'stem.0', 'layer1.0.conv1', 'layer1.0.conv2' and 1 more (it is a profile of 'fmnist-resnet')", "hass profile"])
        {
            Setup = d => File.WriteAllText(Path.Combine(d, "p.json"), """
                {"model": "fmnist-resnet", "layers": [
                  {"layer": "stem.0", "kernelSize": 9, "histogram": [[1]]}, {"layer": "layer1.0.conv1", "kernelSize": 9, "histogram": [[1]]},
                  {"layer": "layer1.0.conv2", "kernelSize": 9, "histogram": [[1]]}, {"layer": "fc", "kernelSize": 1, "histogram": [[1]]}]}
                """),
        },
        new("design: profile file missing", ["design", "--model", "synthetic-cnn", "--profile", "{dir}/p.json", .. Toy], Bad, ["p.json"]),
        new("design: --pruning-settings not a JSON object", ["design", "--model", "synthetic-cnn", "--pruning-settings", "[1]", .. Toy], Bad, ["--pruning-settings", "JSON object"]),
        new("design: --calibration-images 0", ["design", "--model", "synthetic-cnn", "--calibration-images", "0", .. Toy], Bad, ["--calibration-images", "0"]),
        new("design: --calibration-images with --graph", ["design", "--graph", "{dir}/g.json", "--calibration-images", "200", .. Toy], Bad, ["--calibration-images", "--model"]),
        new("design: --pruning-settings with --graph", ["design", "--graph", "{dir}/g.json", "--pruning-settings", "{}", .. Toy], Bad, ["--pruning-settings", "--model"]),
        new("design: --pruning-settings with a misspelt field", ["design", "--model", "fmnist-vgg", "--board", "zedboard", "--params", "{dir}/p.json", "--pruning-settings", """{"biasCorection": true}"""],
            Bad, ["--pruning-settings", "biasCorection", "biasCorrection"])
        {
            Synthetic = false, Timeout = TimeSpan.FromMinutes(3), Setup = d => File.WriteAllText(Path.Combine(d, "p.json"), """{"w:features.3": 1.0}"""),
        },
        new("design: --pruning-settings with a misspelt field, no --params", ["design", "--model", "fmnist-vgg", "--board", "zedboard", "--pruning-settings", """{"biasCorection": true}"""],
            Bad, ["--pruning-settings", "biasCorection", "biasCorrection"]) { Synthetic = false },
        new("design: folding is a folder", ["design", "--model", "synthetic-cnn", "--folding", "{dir}", .. Toy], Bad, ["--folding", "is a folder; give a file"]),
        new("design: --batch 0", ["design", "--model", "synthetic-cnn", .. Toy, "--batch", "0"], Bad, ["--batch", "[1, 1048576]"]),
        new("design: --batch not a number", ["design", "--model", "synthetic-cnn", .. Toy, "--batch", "x"], Bad, ["--batch", "'x'"]),
        new("design: --sparse-cycles unknown", ["design", "--model", "synthetic-cnn", .. Toy, "--sparse-cycles", "max"], Bad, ["--sparse-cycles", "lane-max", "average"]),
        new("design: --skip-zero-windows not a bool", ["design", "--model", "synthetic-cnn", .. Toy, "--skip-zero-windows", "maybe"], Bad, ["--skip-zero-windows", "'maybe'", "true or false"]),
        new("design: --anneal not a bool", ["design", "--model", "synthetic-cnn", .. Toy, "--anneal", "yes"], Bad, ["--anneal", "'yes'", "true or false"]),
        new("design: --skip-zero-windows without a value", ["design", "--model", "synthetic-cnn", .. Toy, "--skip-zero-windows"], Bad, ["--skip-zero-windows"]),
        new("design: --dense-below above 1", ["design", "--model", "synthetic-cnn", .. Toy, "--dense-below", "1.5"], Bad, ["--dense-below", "[0, 1]", "1.5"]),
        new("design: --pointwise-clusters 0", ["design", "--model", "synthetic-cnn", .. Toy, "--pointwise-clusters", "0"], Bad, ["--pointwise-clusters", "≥ 1"]),
        new("design: --lutram-max-depth negative", ["design", "--model", "synthetic-cnn", .. Toy, "--lutram-max-depth", "-1"], Bad, ["--lutram-max-depth", "≥ 0"]),
        new("design: --uram-min-bram18 0", ["design", "--model", "synthetic-cnn", .. Toy, "--uram-min-bram18", "0"], Bad, ["--uram-min-bram18", "≥ 1"]),
        new("design: board too small for the model", ["design", "--model", "fmnist-vgg", "--board", "tiny", "--backend", "dataflow-dense", "--boards", "{dir}/boards"], Bad, ["tiny", "LUT"])
        {
            Synthetic = false, Setup = d => TinyBoard(d), Timeout = TimeSpan.FromMinutes(3),
        },
        // graph
        new("graph: unknown model", ["graph", "nope"], Bad, ["'nope'"]),
        new("graph: model name missing", ["graph"], Bad, ["graph", "--help"]),
        // board probe / measure / emulate
        new("board probe: 'tcp:'", ["board", "probe", "tcp:"], Bad, ["'tcp:'", "tcp:host:port", "serial:"]),
        new("board probe: unknown scheme", ["board", "probe", "foo:bar"], Bad, ["'foo:bar'", "tcp:host:port"]),
        new("board probe: unknown scheme lists the plugins' links", ["board", "probe", "foo:bar"], Bad, ["'foo:bar'", "also: loopback:"]),
        new("board probe: a plugin link's malformed address", ["board", "probe", "loopback:http"], Bad, ["'loopback:http'", "loopback:PORT"]),
        new("board probe: port out of range", ["board", "probe", "tcp:127.0.0.1:99999"], Bad, ["99999", "1..65535"]),
        new("board probe: link missing", ["board", "probe"], Bad, ["probe", "--help"]),
        new("board: no sub-command", ["board"], Bad, ["probe", "measure", "emulate"]),
        new("board measure: bad link", ["board", "measure", "synthetic", "--trial", "1", "--link", "foo:bar"], Bad, ["'foo:bar'"]),
        new("board measure: --trial without a value", ["board", "measure", "synthetic", "--link", "tcp:127.0.0.1:1", "--trial"], Bad, ["--trial"]) { Synthetic = false },
        new("board measure: --trial not a number", ["board", "measure", "synthetic", "--link", "tcp:127.0.0.1:1", "--trial", "abc"], Bad, ["abc", "integer"]),
        new("board measure: --latency takes no word", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--latency", "maybe"], Bad, ["'maybe'", "--help"]),
        new("board measure: --images 0", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--images", "0"], Bad, ["--images: must be in [1, 1000000] (got 0)"]),
        new("board measure: --warmup negative", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--warmup", "-1"], Bad, ["--warmup: must be in [0, 1000000] (got -1)"]),
        new("board measure: --repeats 0", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--repeats", "0"], Bad, ["--repeats: must be in [1, 1000] (got 0)"]),
        new("board measure: --rotations 0", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1", "--rotations", "0"], Bad, ["--rotations: must be in [1, 100000] (got 0)"]),
        new("board measure: store missing", ["board", "measure", "synthetic", "--trial", "1", "--link", "tcp:127.0.0.1:1"], ExitCodes.StoreUnusable, ["hass.db"]),
        new("board emulate: --tcp not an IP address", ["board", "emulate", "--tcp", "999.1.1.1:5"], Bad, ["999.1.1.1"]),
        new("board emulate: --tcp without a value", ["board", "emulate", "--tcp"], Bad, ["--tcp"]) { Synthetic = false },
        new("board emulate: board file is not JSON", ["board", "emulate", "--board", "/etc/passwd"], Bad, ["/etc/passwd"]),
        new("board emulate: board file is a folder", ["board", "emulate", "--board", "{dir}"], Bad, ["board file"]),
        new("board emulate: board file missing", ["board", "emulate", "--board", "{dir}/none.json"], Bad, ["none.json"]),
        new("board emulate: unknown option", ["board", "emulate", "--frobnicate"], Bad, ["--frobnicate"]),
        // model, profile
        new("model eval: unknown model", ["model", "eval", "nope"], Bad, ["'nope'"]),
        new("model train: --epochs not a number", ["model", "train", "fmnist-vgg", "--epochs", "abc"], Bad, ["abc", "--epochs"]),
        new("model export: --out missing", ["model", "export", "fmnist-vgg"], Bad, ["--out"]),
        new("profile: --pruning-settings not a JSON object", ["profile", "fmnist-vgg", "--pruning-settings", "true"], Bad, ["--pruning-settings", "JSON object"]) { Synthetic = false },
        new("model: unknown sub-command", ["model", "frobnicate"], Bad, ["frobnicate", "hass model --help"]),
        new("profile: parameter file missing", ["profile", "fmnist-vgg", "--params", "{dir}/none.json"], Bad, ["none.json"])
        {
            Synthetic = false, Timeout = TimeSpan.FromMinutes(3),
        },
        new("model eval: checkpoint is a folder", ["model", "eval", "fmnist-vgg", "--images", "10", "--checkpoint", "{dir}/weights"], Bad, ["weights' is a folder", "weights file"])
        {
            Synthetic = false, Timeout = TimeSpan.FromMinutes(3), Setup = d => Directory.CreateDirectory(Path.Combine(d, "weights")),
        },
        new("model eval: checkpoint is a pipe", ["model", "eval", "fmnist-vgg", "--images", "10", "--checkpoint", "{dir}-weights.fifo"], Bad, ["weights.fifo", "not a regular file"])
        {
            Synthetic = false, Timeout = TimeSpan.FromMinutes(3), Setup = d => BadInputRunner.MakeFifo(d + "-weights.fifo"),
        },
        new("model eval: dataset folder missing", ["model", "eval", "fmnist-vgg", "--data", "{dir}/nodata"], Bad, ["nodata"])
        {
            Synthetic = false, Timeout = TimeSpan.FromMinutes(3),
        },
        // dataset
        new("dataset fetch: --mirror without a value", ["dataset", "fetch", "--mirror"], Bad, ["--mirror"]) { Synthetic = false },
        new("dataset fetch: --mirror not a URL", ["dataset", "fetch", "--to", "{dir}/fm", "--mirror", "lab-mirror"], Bad, ["'lab-mirror'", "http"]),
        new("dataset: no sub-command", ["dataset"], Bad, ["fetch"]),
        // report
        new("report: campaign missing", ["report"], Bad, ["report", "--help"]),
        new("report: -o without a value", ["report", "synthetic", "-o"], Bad, ["-o"]) { Synthetic = false },
        new("report: store missing", ["report", "synthetic"], ExitCodes.StoreUnusable, ["hass.db"]),
        // the root
        new("unknown command", ["frobnicate"], Bad, ["'frobnicate'", "hass --help"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);

    /// <summary>A valid board far too small for any network (a copy of zedboard with 2 DSP, 500 LUT).</summary>
    private static void TinyBoard(string dir)
    {
        Directory.CreateDirectory(Path.Combine(dir, "boards"));
        File.WriteAllText(Path.Combine(dir, "boards", "tiny.json"), """
            {
              "schema": 1, "name": "tiny", "part": "xc7z020clg484-1", "description": "too small for any network",
              "dsp": 2, "bram18": 2, "uram": 0, "lut": 500, "ff": 1000, "clockMhz": 200, "memoryBandwidthGbps": 34.112,
              "reconfigurationSeconds": 0.08255, "portWidthBits": 128, "link": "serial:/dev/ttyACM0@921600"
            }
            """);
    }
}
