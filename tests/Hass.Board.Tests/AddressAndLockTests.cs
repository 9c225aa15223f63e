using Microsoft.Extensions.DependencyInjection;
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
        using var provider = new ServiceCollection().AddHassBoardLinks().AddBoardLinkRegistry().BuildServiceProvider();
        var links = provider.GetRequiredService<BoardLinks>();
        Assert.IsType<SerialLink>(links.Create("serial:/dev/null@9600"));
        Assert.IsType<TcpLink>(links.Create("tcp:127.0.0.1:1"));
        Assert.Throws<BoardAddressException>(() => new SerialLinkFactory().Create("tcp:127.0.0.1:1"));
        var unknown = Assert.Throws<BoardAddressException>(() => links.Create("usb:3"));
        Assert.Equal($"board address 'usb:3' has no known scheme; {BoardAddress.Usage}", unknown.Message);
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

/// <summary>Board links come from the container's BoardLink registrations, not from a built-in list.</summary>
public class RegisteredLinkTests
{
    private sealed class RecordingFactory : IBoardLinkFactory
    {
        public List<string> Created { get; } = [];
        public string Name => "recording";
        public string Description => "test link that records what it was asked to open";
        public string Scheme => "recording";
        public string Canonical(string address) => address.ToLowerInvariant();
        public IBoardLink Create(string address)
        {
            Created.Add(address);
            return new TcpLink("127.0.0.1", 1);   // never opened by this test
        }
    }

    [Fact]
    public async Task A_session_opens_the_link_its_scheme_is_registered_for()
    {
        var factory = new RecordingFactory();
        using var provider = new ServiceCollection().AddHassBoardLinks()
            .AddHassComponent<IBoardLinkFactory>(ComponentKind.BoardLink, factory).AddBoardLinkRegistry().BuildServiceProvider();
        var links = provider.GetRequiredService<BoardLinks>();
        Assert.Equal(["serial", "tcp", "recording"], links.Schemes);
        Assert.Equal("recording:board-7", links.Canonical("recording:BOARD-7"));
        await using (links.Create("recording:BOARD-7")) { }
        Assert.Equal(["recording:board-7"], factory.Created);

        await using var session = new BoardSession("recording:Lab", links);
        Assert.Equal("recording:lab", session.Address);
        var unknown = Assert.Throws<BoardAddressException>(() => new BoardSession("usb:3", links));
        Assert.Contains("(also: recording:…)", unknown.Message);
    }
}
