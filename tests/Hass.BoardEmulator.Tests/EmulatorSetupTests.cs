using System.Net;
using System.Net.Sockets;

namespace Hass.BoardEmulator.Tests;

/// <summary>A --tcp address or --serial device the emulator cannot use when it starts is bad input naming the option.</summary>
public class EmulatorSetupTests
{
    [Fact]
    public async Task A_port_that_is_taken_is_a_setup_problem_naming_tcp()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var tcp = $"127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        var server = new EmulatorServer(EmulatorOptions.Parse(["--tcp", tcp]));
        var e = await Assert.ThrowsAsync<EmulatorSetupException>(() => server.StartAsync(CancellationToken.None));
        Assert.StartsWith($"--tcp '{tcp}': cannot listen there", e.Message);
    }

    [Fact]
    public async Task A_serial_device_that_does_not_exist_is_a_setup_problem_naming_serial()
    {
        var device = Path.Combine(Path.GetTempPath(), $"no-such-tty-{Guid.NewGuid():N}");
        var server = new EmulatorServer(EmulatorOptions.Parse(["--serial", device]));
        var e = await Assert.ThrowsAsync<EmulatorSetupException>(() => server.StartAsync(CancellationToken.None));
        Assert.StartsWith($"--serial '{device}': ", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task The_executable_reports_a_taken_port_as_one_line_and_exit_2()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var tcp = $"127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => EmulatorProcess.StartAsync(["--tcp", tcp]));
        Assert.Contains($"exited with code 2 before listening: hass-board-emulator: --tcp '{tcp}': cannot listen there", e.Message);
    }
}
