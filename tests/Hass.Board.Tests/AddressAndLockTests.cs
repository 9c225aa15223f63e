using System.IO.Ports;
using Hass.Abstractions;
using Hass.Board.Links;

namespace Hass.Board.Tests;

public class AddressAndLockTests
{
    [Theory]
    [InlineData("serial:/dev/ttyUSB0@921600", "serial", "/dev/ttyUSB0", 921600, Parity.None)]
    [InlineData("serial:/dev/ttyACM1@115200,even", "serial", "/dev/ttyACM1", 115200, Parity.Even)]
    [InlineData("tcp:127.0.0.1:5555", "tcp", "127.0.0.1", 5555, Parity.None)]
    [InlineData("tcp:board.lab:7000", "tcp", "board.lab", 7000, Parity.None)]
    public void Addresses_parse(string text, string scheme, string target, int number, Parity parity)
    {
        var a = BoardAddress.Parse(text);
        Assert.Equal((scheme, target, number, parity), (a.Scheme, a.Target, a.BaudOrPort, a.Parity));
        Assert.Equal(a, BoardAddress.Parse(a.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("usb:/dev/x")]
    [InlineData("serial:/dev/ttyUSB0")]
    [InlineData("serial:/dev/ttyUSB0@fast")]
    [InlineData("serial:/dev/ttyUSB0@9600,weird")]
    [InlineData("tcp:host")]
    [InlineData("tcp:host:99999")]
    [InlineData("tcp:")]
    [InlineData("foo:bar")]
    [InlineData("tcp:127.0.0.1:99999")]
    public void Bad_addresses_say_what_to_write(string text)
    {
        var e = Assert.Throws<BoardAddressException>(() => BoardAddress.Parse(text));
        Assert.True(e.Message.Contains("serial:") || e.Message.Contains("parity") || e.Message.Contains("port"), e.Message);
    }

    [Fact]
    public void Factories_create_links_by_scheme()
    {
        Assert.IsType<SerialLink>(BoardLinks.Create("serial:/dev/null@9600"));
        Assert.IsType<TcpLink>(BoardLinks.Create("tcp:127.0.0.1:1"));
        Assert.Throws<BoardAddressException>(() => new SerialLinkFactory().Create("tcp:127.0.0.1:1"));
    }

    [Fact]
    public async Task A_board_is_locked_within_the_process_and_against_other_processes()
    {
        var key = "tcp:lock-test-" + Guid.NewGuid().ToString("N")[..6] + ":1";
        using (var held = await BoardLock.AcquireAsync(key, TimeSpan.FromSeconds(1), CancellationToken.None))
        {
            var e = await Assert.ThrowsAsync<BoardLinkException>(() => BoardLock.AcquireAsync(key, TimeSpan.FromMilliseconds(100), CancellationToken.None));
            Assert.Contains("in use by another runner in this process", e.Message);
            // What another process would see: the lock file is exclusively locked (flock).
            Assert.Throws<IOException>(() => new FileStream(BoardLock.LockFileFor(key), FileMode.Open, FileAccess.ReadWrite, FileShare.None));
        }
        using var again = await BoardLock.AcquireAsync(key, TimeSpan.FromSeconds(1), CancellationToken.None);
    }
}
