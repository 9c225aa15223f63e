using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>
/// The configuration file: one named by $HASS_CONFIG must be there (a typo once ran silently with ./hass.db), and
/// anything at ./hass.json that is not a valid configuration — a folder, an empty file — is refused by every
/// command, also one given --store (an empty hass.json was then ignored).
/// </summary>
public class ConfigFileBadInputTests(ITestOutputHelper output)
{
    private const int Bad = ExitCodes.InvalidInput;

    private static Dictionary<string, string> Named(string path) => new() { ["HASS_CONFIG"] = path };

    public static TheoryData<BadInputCase> Cases => new()
    {
        new("HASS_CONFIG names a missing file", ["run", HassProcess.SyntheticCampaign], Bad, ["typo.json", "$HASS_CONFIG", "does not exist"])
            { Environment = Named("{dir}/typo.json") },
        new("HASS_CONFIG names a folder", ["run", HassProcess.SyntheticCampaign], Bad, ["$HASS_CONFIG", "is a folder"])
            { Environment = Named("{dir}/conf"), Setup = d => Directory.CreateDirectory(Path.Combine(d, "conf")) },
        new("hass.json is a folder", ["run", HassProcess.SyntheticCampaign], Bad, ["hass.json", "is a folder"])
            { Setup = d => Directory.CreateDirectory(Path.Combine(d, "hass.json")) },
        new("hass.json is empty, with --store", ["status"], Bad, ["hass.json", "is empty"])
            { Setup = d => File.WriteAllText(Path.Combine(d, "hass.json"), "") },
        new("hass.json is empty, without --store", ["status"], Bad, ["hass.json", "is empty"])
            { Synthetic = false, Setup = d => File.WriteAllText(Path.Combine(d, "hass.json"), "") },
        new("hass.json holds only white space", ["status"], Bad, ["hass.json", "holds no JSON, only white space"])
            { Setup = d => File.WriteAllText(Path.Combine(d, "hass.json"), "\n  \n") },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);
}
