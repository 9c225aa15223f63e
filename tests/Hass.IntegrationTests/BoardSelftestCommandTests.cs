using Hass.BoardEmulator;
using Hass.Cli;

namespace Hass.IntegrationTests;

/// <summary>`hass board selftest` as a process against the emulator process: the table, the summary and the exit code.</summary>
public class BoardSelftestCommandTests
{
    [Fact]
    public async Task The_emulator_passes_and_the_command_exits_0()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        var (code, stdout, stderr) = HassProcess.Run(TimeSpan.FromMinutes(3), "board", "selftest", emulator.Address, "--reply-timeout", "20");
        Assert.True(code == ExitCodes.Success, $"exit {code}\n{stdout}\n{stderr}");
        Assert.DoesNotContain("FAIL", stdout);
        Assert.Matches(@"(\d+) of \1 checks passed", stdout);
        Assert.Equal("", stderr.Trim());
    }

    [Fact]
    public async Task A_firmware_accepting_foreign_designs_fails_with_exit_1_and_its_fail_line()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--accept-foreign-designs"]);
        var (code, stdout, stderr) = HassProcess.Run(TimeSpan.FromMinutes(3), "board", "selftest", emulator.Address, "--reply-timeout", "20");
        Assert.True(code == ExitCodes.Failure, $"exit {code}\n{stdout}\n{stderr}");
        Assert.Single(stdout.Split('\n'), l => l.StartsWith("FAIL", StringComparison.Ordinal));
        Assert.Contains("FAIL  design    a design made for another board is DESIGN_REJECTED", stdout);
        Assert.StartsWith("error: 1 of ", stderr.Trim());
    }
}
