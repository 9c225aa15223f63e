using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// Empty paths — an option given "", an empty $HASS_STORE, a null or empty path in hass.json — once reached .NET
/// as "The value cannot be an empty string (Parameter 'path')" (exit 1). An empty option value is exit 2 naming the
/// option, an empty variable counts as not set, and hass.json names the field.
/// </summary>
public class EmptyPathBadInputTests(ITestOutputHelper output)
{
    private const int Bad = ExitCodes.InvalidInput;

    private static BadInputCase Empty(string option, params string[] command) =>
        new($"{string.Join(' ', command)} {option} \"\"", [.. command, option, ""], Bad, [option, "the path is empty"]);

    private static Action<string> Config(string json) => d => File.WriteAllText(Path.Combine(d, "hass.json"), json);

    public static TheoryData<BadInputCase> Cases => new()
    {
        Empty("--store", "status"),
        Empty("--boards", "boards"),
        Empty("--plugins", "plugins"),
        Empty("--output", "report", "synthetic"),
        Empty("-o", "report", "synthetic") with { MessageContains = ["--output", "the path is empty"] },
        Empty("--to", "dataset", "fetch"),
        Empty("--secret-file", "run", HassProcess.SyntheticCampaign, "--cluster", "local"),
        Empty("--tls-certificate", "run", HassProcess.SyntheticCampaign, "--cluster", "local"),
        Empty("--graph", "design", "--board", "toy-board"),
        Empty("--profile", "design", "--model", "synthetic-cnn", "--board", "toy-board"),
        Empty("--folding", "design", "--model", "synthetic-cnn", "--board", "toy-board"),
        Empty("--out", "graph", "fmnist-vgg"),
        Empty("--out", "profile", "fmnist-vgg"),
        Empty("--params", "profile", "fmnist-vgg"),
        Empty("--out", "model", "export", "fmnist-vgg"),
        Empty("--out", "export", "synthetic", "--trial", "1"),
        Empty("--data", "model", "eval", "fmnist-vgg"),
        Empty("--checkpoint", "model", "eval", "fmnist-vgg"),
        Empty("--cache", "model", "train", "fmnist-vgg"),
        Empty("--pytorch-out", "model", "train", "fmnist-vgg"),

        // An empty $HASS_STORE is not set: the store is ./hass.db, which is not there.
        new("status with HASS_STORE empty", ["status"], ExitCodes.StoreUnusable, ["hass.db does not exist"])
            { Synthetic = false, Environment = new Dictionary<string, string> { ["HASS_STORE"] = "" } },

        new("hass.json: a null plugin folder", ["boards"], Bad, ["hass.json", "plugins[0]: must be a folder path (got null)"])
            { Setup = Config("{\"store\": \"b.db\", \"plugins\": [null]}") },
        new("hass.json: an empty board folder", ["boards"], Bad, ["hass.json", "boards[1]: must be a folder path (got an empty string)"])
            { Setup = Config("{\"boards\": [\"b\", \"\"]}") },
        new("hass.json: plugins null", ["boards"], Bad, ["hass.json", "plugins: must be a list of folder paths"])
            { Setup = Config("{\"plugins\": null}") },
        new("hass.json: an empty store", ["status"], Bad, ["hass.json", "store: is empty"])
            { Setup = Config("{\"store\": \"\"}") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
