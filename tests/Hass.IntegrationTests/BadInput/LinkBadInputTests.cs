using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// Symbolic links that lead nowhere, or to what hass does not read: the message says what the link leads to
/// (not the length of the link itself, which once read as "grew while it was read" or a short store).
/// </summary>
public class LinkBadInputTests(ITestOutputHelper output)
{
    private static Action<string> Link(string name, string target) => d =>
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(d, name))!);
        File.CreateSymbolicLink(Path.Combine(d, name), target);
    };

    public static TheoryData<BadInputCase> Cases => new()
    {
        new("run a campaign link to nothing", ["run", "{dir}/link.json"], ExitCodes.InvalidInput, ["link.json", "symbolic link to gone.json", "leads to no file"])
            { Setup = Link("link.json", "gone.json") },
        new("design --graph link to nothing", ["design", "--graph", "{dir}/g.json", "--board", "toy-board", "--backend", "toy"], ExitCodes.InvalidInput, ["--graph", "g.json", "symbolic link to gone.json"])
            { Setup = Link("g.json", "gone.json") },
        new("board file link to nothing", ["boards", "--boards", "{dir}/b"], ExitCodes.InvalidInput, ["b.json", "symbolic link to gone.json"])
            { Setup = Link("b/b.json", "gone.json") },
        new("hass.json link to nothing", ["boards"], ExitCodes.InvalidInput, ["hass.json", "symbolic link to gone.json"])
            { Setup = Link("hass.json", "gone.json") },
        new("store link to nothing", ["status", "--store", "{dir}/hass.db"], ExitCodes.StoreUnusable, ["hass.db", "symbolic link to gone.db", "leads to no file"])
            { Setup = Link("hass.db", "gone.db") },
        new("run on a store link to nothing creates nothing", ["run", HassProcess.SyntheticCampaign, "--store", "{dir}/hass.db"], ExitCodes.StoreUnusable, ["hass.db", "symbolic link to gone.db"])
            { Setup = Link("hass.db", "gone.db") },
        new("store link to a short file", ["status", "--store", "{dir}/hass.db"], ExitCodes.StoreUnusable, ["has 5 bytes"])
            { Setup = d => { File.WriteAllText(Path.Combine(d, "short.db"), "short"); Link("hass.db", "short.db")(d); } },
        // The test's hass reads a pipe on standard input: /dev/stdin leads to it through /proc.
        new("run /dev/stdin fed by a pipe", ["run", "/dev/stdin"], ExitCodes.InvalidInput, ["/dev/stdin", "not a regular file"]),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
