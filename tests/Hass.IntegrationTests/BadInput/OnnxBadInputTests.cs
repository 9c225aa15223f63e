using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// ONNX import refuses what it cannot reproduce exactly: each unsupported operator or attribute (tiny models made
/// by tests/Hass.Models.Onnx.Tests/Fixtures/generate.py) is exit 2 with one line naming the node, the op and the
/// attribute — never a silently different network.
/// </summary>
public class OnnxBadInputTests(ITestOutputHelper output)
{
    private static readonly string BadModels = FindBadModels();

    private static BadInputCase Graph(string name, string fixture, params string[] message) =>
        new(name, ["graph", "onnx:{dir}/net.onnx"], ExitCodes.InvalidInput, message)
        {
            Synthetic = false,
            Setup = dir => File.Copy(Path.Combine(BadModels, fixture + ".onnx"), Path.Combine(dir, "net.onnx")),
        };

    public static TheoryData<BadInputCase> Cases => new()
    {
        Graph("onnx: unsupported operator", "softmax", "node 'head/softmax'", "Softmax", "not supported"),
        Graph("onnx: dilated convolution", "dilated-conv", "node 'conv_dilated'", "(Conv)", "dilations", "[2, 2]"),
        Graph("onnx: non-square kernel", "asymmetric-kernel", "node 'conv_1x3'", "(Conv)", "kernel_shape", "[1, 3]"),
        Graph("onnx: clip other than ReLU6", "clip-max-3", "node 'clip3'", "(Clip)", "[0, 3]"),
        Graph("onnx: max pooling with ceil mode", "maxpool-ceil", "node 'pool_ceil'", "(MaxPool)", "ceil_mode"),
        Graph("onnx: automatic padding", "auto-pad", "node 'conv_same'", "(Conv)", "auto_pad", "SAME_UPPER"),
        Graph("onnx: reflect padding", "pad-reflect", "node 'pad_reflect'", "(Pad)", "mode", "reflect"),
        Graph("onnx: padding no conv takes over", "pad-alone", "node 'pad_alone'", "(Pad)", "pads", "before a Conv or AveragePool"),
        Preprocess("preprocess: std 0", ["model", "eval", "onnx:{dir}/net.onnx", "--preprocess", "mean=0.5,std=0"], "--preprocess", "std: must hold one value > 0"),
        Preprocess("preprocess: unknown key", ["profile", "onnx:{dir}/net.onnx", "--preprocess", "mean=0.5,scale=2"], "--preprocess", "unknown key 'scale'"),
        Preprocess("preprocess: not a number", ["run", "{dir}/c.json", "--preprocess", "mean=half"], "--preprocess", "'half' is not a number"),
        Preprocess("preprocess: 3 means for 1 channel", ["model", "eval", "onnx:{dir}/net.onnx", "--preprocess", "mean=0.4/0.5/0.6"], "preprocess mean", "3 values for a 1-channel input"),
        Preprocess("preprocess: resize of Fashion-MNIST", ["model", "eval", "onnx:{dir}/net.onnx", "--preprocess", "resize=32"], "resize=32", "image folders only"),
        Preprocess("campaign: dataset.preprocess.std negative", ["run", "{dir}/c.json"], "$.dataset.preprocess", "std", "> 0"),
        Design("design --export: unknown format", ["--export", "finn", "{dir}/out"], "--export", "'finn'", "loaded design exporters: 'fpgaconvnet'; see 'hass plugins'"),
        Design("design --export: folder is a file", ["--export", "fpgaconvnet", "{dir}/taken"], "taken", "is a file"),
        Design("design --export: file already there", ["--export", "fpgaconvnet", "{dir}/out"], "fmnist-vgg.fpgaconvnet.json", "already exists", "--force"),
        Design("design --export: no folder", ["--export", "fpgaconvnet"], "--export"),
        Design("design --force without --export", ["--force"], "--force", "--export"),
        new("design --params with --graph", ["design", "--graph", "{dir}/g.json", "--board", "zedboard", "--params", "{dir}/p.json"], ExitCodes.InvalidInput, ["--params", "--model"])
        {
            Synthetic = false,
            Setup = dir => { File.WriteAllText(Path.Combine(dir, "g.json"), "{}"); File.WriteAllText(Path.Combine(dir, "p.json"), "{}"); },
        },
        new("design --params unknown dimension", ["design", "--model", "onnx:{dir}/net.onnx", "--board", "zedboard", "--params", "{dir}/p.json"], ExitCodes.InvalidInput, ["unknown parameter", "w:nope"])
        {
            Synthetic = false,
            Setup = dir =>
            {
                File.Copy(Path.Combine(BadModels, "..", "fmnist-norm.onnx"), Path.Combine(dir, "net.onnx"));
                File.WriteAllText(Path.Combine(dir, "p.json"), """{ "w:nope": 0.5 }""");
            },
        },
        new("design --params out of its range", ["design", "--model", "onnx:{dir}/net.onnx", "--board", "zedboard", "--params", "{dir}/p.json"], ExitCodes.InvalidInput,
            ["parameter 'w:3' = 1e+06, not float in [", "give a value within its range"])
        {
            Synthetic = false,
            Setup = dir =>
            {
                File.Copy(Path.Combine(BadModels, "..", "fmnist-norm.onnx"), Path.Combine(dir, "net.onnx"));
                File.WriteAllText(Path.Combine(dir, "p.json"), """{ "w:3": 1000000 }""");
            },
        },
        new("onnx: missing file", ["graph", "onnx:{dir}/absent.onnx"], ExitCodes.InvalidInput, ["absent.onnx", "not found"]) { Synthetic = false },
        new("onnx: a device", ["graph", "onnx:/dev/zero"], ExitCodes.InvalidInput, ["/dev/zero", "not a regular file"]) { Synthetic = false },
        new("onnx: a pipe", ["graph", "onnx:{dir}-net.fifo"], ExitCodes.InvalidInput, ["net.fifo", "not a regular file"])
        {
            Synthetic = false,
            Setup = dir => BadInputRunner.MakeFifo(dir + "-net.fifo"),
        },
        new("onnx: not an ONNX file", ["graph", "onnx:{dir}/net.onnx"], ExitCodes.InvalidInput, ["net.onnx", "not a valid ONNX file"])
        {
            Synthetic = false,
            Setup = dir => File.WriteAllText(Path.Combine(dir, "net.onnx"), "{ \"this is\": \"json\" }"),
        },
    };

    /// <summary>`hass design --model fmnist-vgg --board zedboard` with extra arguments; {dir}/taken is a file and {dir}/out holds an earlier export.</summary>
    private static BadInputCase Design(string name, string[] extra, params string[] message) =>
        new(name, ["design", "--model", "fmnist-vgg", "--board", "zedboard", .. extra], ExitCodes.InvalidInput, message)
        {
            Synthetic = false,
            Setup = dir =>
            {
                File.WriteAllText(Path.Combine(dir, "taken"), "not a folder");
                Directory.CreateDirectory(Path.Combine(dir, "out"));
                File.WriteAllText(Path.Combine(dir, "out", "fmnist-vgg.fpgaconvnet.json"), "{}");
            },
        };

    /// <summary>A network trained with its own normalisation (fmnist-norm) as net.onnx, and a campaign on it whose preprocess std is negative.</summary>
    private static BadInputCase Preprocess(string name, string[] args, params string[] message) =>
        new(name, args, ExitCodes.InvalidInput, message)
        {
            Synthetic = false,
            Setup = dir =>
            {
                File.Copy(Path.Combine(BadModels, "..", "fmnist-norm.onnx"), Path.Combine(dir, "net.onnx"));
                File.WriteAllText(Path.Combine(dir, "c.json"), """
                    { "name": "pre", "model": "onnx:net.onnx", "board": "zedboard", "pruning": "threshold", "backend": "dataflow-sparse", "strategy": "tpe",
                      "dataset": { "name": "fashion-mnist", "preprocess": { "mean": [0.5], "std": [-0.25] } } }
                    """);
            },
        };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_onnx_models_are_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);

    private static string FindBadModels()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Hass.Models.Onnx.Tests", "Fixtures", "bad");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("tests/Hass.Models.Onnx.Tests/Fixtures/bad not found above the test assembly");
    }
}
