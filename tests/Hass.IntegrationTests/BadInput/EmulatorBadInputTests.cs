using System.Net;
using System.Net.Sockets;
using Hass.Cli;
using Xunit.Abstractions;

namespace Hass.IntegrationTests.BadInput;

/// <summary>Bad input to `hass board emulate` (its options) and `hass board selftest` (its link).</summary>
public class EmulatorBadInputTests(ITestOutputHelper output)
{
    private static BadInputCase Case(string name, string[] args, int exit, params string[] words) => new(name, args, exit, words) { Synthetic = false };

    public static TheoryData<BadInputCase> Cases => new()
    {
        Case("emulate: address that is not an IP", ["board", "emulate", "--tcp", "999.1.1.1:5"], ExitCodes.InvalidInput, "--tcp", "999.1.1.1"),
        Case("emulate: port out of range", ["board", "emulate", "--tcp", "127.0.0.1:70000"], ExitCodes.InvalidInput, "--tcp", "HOST:PORT"),
        Case("emulate: address without a port", ["board", "emulate", "--tcp", "127.0.0.1"], ExitCodes.InvalidInput, "--tcp"),
        Case("emulate: a number for an address", ["board", "emulate", "--tcp", "5:5"], ExitCodes.InvalidInput, "--tcp", "not an IP address"),
        Case("emulate: board file that is not JSON", ["board", "emulate", "--board", "/etc/passwd"], ExitCodes.InvalidInput, "/etc/passwd"),
        Case("emulate: missing board file", ["board", "emulate", "--board", "{dir}/none.json"], ExitCodes.InvalidInput, "none.json"),
        Case("emulate: board file that is a folder", ["board", "emulate", "--board", "{dir}"], ExitCodes.InvalidInput, "board file"),
        Case("emulate: empty board path", ["board", "emulate", "--board", ""], ExitCodes.InvalidInput, "--board", "the path is empty"),
        Case("emulate: empty serial device", ["board", "emulate", "--serial", ""], ExitCodes.InvalidInput, "--serial", "the path is empty"),
        Case("emulate: memory budget of 0", ["board", "emulate", "--memory-budget", "0"], ExitCodes.InvalidInput, "--memory-budget", "16 MiB"),
        Case("emulate: memory budget not a size", ["board", "emulate", "--memory-budget", "lots"], ExitCodes.InvalidInput, "--memory-budget", "lots"),
        Case("emulate: memory budget of 2 PiB", ["board", "emulate", "--memory-budget", "2048TiB"], ExitCodes.InvalidInput, "--memory-budget"),
        Case("emulate: memory budget without a value", ["board", "emulate", "--memory-budget"], ExitCodes.InvalidInput, "--memory-budget", "needs a value"),
        Case("emulate: negative baud rate", ["board", "emulate", "--serial", "/dev/null", "--baud", "-9600"], ExitCodes.InvalidInput, "--baud"),
        Case("emulate: probability above 1", ["board", "emulate", "--drop-rate", "2"], ExitCodes.InvalidInput, "--drop-rate"),
        Case("emulate: tcp and serial together", ["board", "emulate", "--tcp", "127.0.0.1:0", "--serial", "/dev/null"], ExitCodes.InvalidInput, "--tcp", "--serial"),
        Case("emulate: unknown option", ["board", "emulate", "--turbo"], ExitCodes.InvalidInput, "--turbo"),
        Case("emulate: address of another machine", ["board", "emulate", "--tcp", "192.0.2.1:5555"], ExitCodes.InvalidInput, "--tcp '192.0.2.1:5555'", "cannot listen"),
        Case("emulate: serial device that does not exist", ["board", "emulate", "--serial", "{dir}/no-such-tty"], ExitCodes.InvalidInput, "--serial", "no-such-tty", "does not exist"),
        Case("selftest: empty tcp link", ["board", "selftest", "tcp:"], ExitCodes.InvalidInput, "tcp:"),
        Case("selftest: unknown scheme", ["board", "selftest", "foo:bar"], ExitCodes.InvalidInput, "foo:bar"),
        Case("selftest: port out of range", ["board", "selftest", "tcp:127.0.0.1:99999"], ExitCodes.InvalidInput, "99999"),
        Case("selftest: serial link without a baud rate", ["board", "selftest", "serial:/dev/ttyUSB0"], ExitCodes.InvalidInput, "serial:/dev/ttyUSB0"),
        Case("selftest: reply timeout of 0", ["board", "selftest", "tcp:127.0.0.1:1", "--reply-timeout", "0"], ExitCodes.InvalidInput, "--reply-timeout", "more than 0"),
        Case("selftest: reply timeout not a number", ["board", "selftest", "tcp:127.0.0.1:1", "--reply-timeout", "soon"], ExitCodes.InvalidInput, "--reply-timeout", "soon"),
        Case("selftest: nobody listening", ["board", "selftest", "tcp:127.0.0.1:1"], ExitCodes.BoardError, "127.0.0.1:1"),
        Case("selftest: serial device that does not exist", ["board", "selftest", "serial:{dir}/no-such-tty@9600"], ExitCodes.BoardError, "no-such-tty"),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Bad_input_is_refused_cleanly(BadInputCase c) => BadInputRunner.Check(c, output);

    [Fact]
    public void A_port_that_is_taken_is_refused_cleanly()
    {
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var tcp = $"127.0.0.1:{((IPEndPoint)busy.LocalEndpoint).Port}";
        BadInputRunner.Check(Case("emulate: port that is taken", ["board", "emulate", "--tcp", tcp], ExitCodes.InvalidInput, $"--tcp '{tcp}'", "already in use"), output);
    }
}
