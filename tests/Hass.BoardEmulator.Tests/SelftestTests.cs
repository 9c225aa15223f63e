using Hass.Board.Links;
using Hass.Board.Conformance;
using Hass.Board.Testing;
using Xunit.Abstractions;

namespace Hass.BoardEmulator.Tests;

/// <summary>The conformance kit (`hass board selftest`) against the emulator, and against deliberately broken emulators.</summary>
public class SelftestTests(ITestOutputHelper output)
{
    private async Task<ConformanceReport> RunKitAsync(string address)
    {
        // Generous: the checks judge what the board answers, and a loaded CI host can stall a reply past the 2 s default.
        var report = await ConformanceSuite.RunAsync(address, BoardLinks.Standard, TimeSpan.FromSeconds(20));
        output.WriteLine(report.Table());
        return report;
    }

    [Fact]
    public async Task The_emulator_passes_every_check_over_tcp()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        var report = await RunKitAsync(emulator.Address);
        Assert.Equal(ConformanceSuite.Checks.Count, report.Results.Count);
        Assert.Empty(report.Failures);
        Assert.True(report.AllPassed);
    }

    [Fact]
    public async Task The_emulator_passes_every_check_over_a_serial_pty_pair()
    {
        using var pty = new SocatPair();
        await using var emulator = await EmulatorProcess.StartAsync(["--serial", pty.B, "--baud", "921600"]);
        try
        {
            var report = await RunKitAsync($"serial:{pty.A}@921600");
            Assert.Empty(report.Failures);
        }
        finally
        {
            foreach (var line in emulator.ErrorLines) output.WriteLine("emulator stderr: " + line);
        }
    }

    [Fact]
    public async Task A_firmware_that_ignores_sequence_numbers_fails_the_re_send_checks()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--ignore-sequence-numbers"]);
        var report = await RunKitAsync(emulator.Address);
        Assert.Equal(
            ["sequence: a re-sent COMMIT (same seq) gets the same reply and commits once", "sequence: a re-sent RUN (same seq) gets the same reply and starts no second run"],
            report.Failures.Select(f => $"{f.Group}: {f.Name}").Order(StringComparer.Ordinal));
        Assert.Contains("FAIL  sequence  a re-sent RUN", report.Table());
    }

    [Fact]
    public async Task A_firmware_that_accepts_foreign_designs_fails_the_board_check_only()
    {
        await using var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0", "--accept-foreign-designs"]);
        var report = await RunKitAsync(emulator.Address);
        var failure = Assert.Single(report.Failures);
        Assert.Equal(("design", "a design made for another board is DESIGN_REJECTED"), (failure.Group, failure.Name));
        Assert.Contains("got Committed", failure.Detail);
    }

    [Fact]
    public async Task An_emulator_that_cannot_start_says_why()
    {
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorProcess.StartAsync(["--tcp", "nonsense"]));
        Assert.Contains("exited with code 2 before listening", e.Message);
        Assert.Contains("--tcp 'nonsense': expected HOST:PORT", e.Message);
    }

    [Fact]
    public async Task An_unreachable_board_is_a_link_error_not_a_report()
    {
        var emulator = await EmulatorProcess.StartAsync(["--tcp", "127.0.0.1:0"]);
        string address = emulator.Address;
        await emulator.DisposeAsync();
        await Assert.ThrowsAsync<Abstractions.BoardLinkException>(() => ConformanceSuite.RunAsync(address, BoardLinks.Standard));
    }
}
