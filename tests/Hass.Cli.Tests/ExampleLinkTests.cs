using System.Text.Json;
using Hass.BoardEmulator;

namespace Hass.Cli.Tests;

/// <summary>
/// CONTRIBUTING.md's worked example: the board link "loopback" lives only in the synthetic test plugin (one factory
/// class, one AddHassComponent line), yet `hass plugins` lists it and `hass board probe` talks to a board through it.
/// </summary>
public class ExampleLinkTests
{
    private static readonly string[] OnlySynthetic = ["--no-builtin-plugins", "--plugins", Cli.TestPlugin("Synthetic")];

    [Fact]
    public async Task A_board_link_from_a_plugin_is_listed_and_probes_the_emulator()
    {
        var plugins = await Cli.RunRaw(["plugins", "--json", .. OnlySynthetic]);
        Assert.Equal(ExitCodes.Success, plugins.ExitCode);
        using (var doc = JsonDocument.Parse(plugins.Out))
        {
            var links = doc.RootElement.GetProperty("components").EnumerateArray()
                .Where(c => c.GetProperty("kind").GetString() == "boardlink")
                .ToDictionary(c => c.GetProperty("name").GetString()!, c => c.GetProperty("plugin").GetString());
            Assert.Equal("Hass.TestPlugins.Synthetic", links["loopback"]);
            Assert.Equal("Hass.Board", links["tcp"]);
        }

        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        var port = emulator.Address[(emulator.Address.LastIndexOf(':') + 1)..];
        var probe = await Cli.RunRaw(["board", "probe", $"loopback:{port}", .. OnlySynthetic]);
        Assert.True(probe.ExitCode == ExitCodes.Success, probe.Err);
        Assert.Contains("(emulated)", probe.Out);
        Assert.Contains("protocol   v", probe.Out);
        Assert.Equal("", probe.Err);
    }

    [Fact]
    public async Task Without_the_plugin_its_scheme_is_bad_input_naming_the_known_forms()
    {
        var probe = await Cli.RunRaw("board", "probe", "loopback:7000", "--no-builtin-plugins");
        Assert.Equal(ExitCodes.InvalidInput, probe.ExitCode);
        Assert.Equal("error: board address 'loopback:7000' has no known scheme; use serial:/dev/ttyUSB0@921600[,even|odd|none] or tcp:host:port\n", probe.Err);

        var malformed = await Cli.RunRaw(["board", "probe", "loopback:http", .. OnlySynthetic]);
        Assert.Equal(ExitCodes.InvalidInput, malformed.ExitCode);
        Assert.Equal("error: board address 'loopback:http': expected loopback:PORT with a port in 1..65535\n", malformed.Err);
    }
}
