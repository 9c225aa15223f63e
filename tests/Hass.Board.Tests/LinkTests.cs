using System.Net;
using System.Net.Sockets;
using Hass.Abstractions;
using Hass.Board.Links;
using Hass.Board.Testing;

namespace Hass.Board.Tests;

public class LinkTests
{
    private static async Task<byte[]> ReadExactly(IBoardLink link, int count)
    {
        var buffer = new byte[count];
        int have = 0;
        while (have < count)
        {
            int n = await link.ReadAsync(buffer.AsMemory(have), TimeSpan.FromSeconds(30), CancellationToken.None);
            Assert.True(n > 0, "link closed early");
            have += n;
        }
        return buffer;
    }

    [Fact]
    public async Task Tcp_link_exchanges_bytes_times_out_and_sees_the_peer_close()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        await using var link = new TcpLink("127.0.0.1", port);
        var accept = listener.AcceptSocketAsync();
        await link.OpenAsync(CancellationToken.None);
        using var peer = await accept;
        Assert.True(link.IsOpen);

        await link.WriteAsync(new byte[] { 1, 2, 3 }, CancellationToken.None);
        var got = new byte[3];
        Assert.Equal(3, await peer.ReceiveAsync(got));
        await peer.SendAsync(new byte[] { 9, 8, 7, 6 });
        Assert.Equal(new byte[] { 9, 8, 7, 6 }, await ReadExactly(link, 4));

        await Assert.ThrowsAsync<TimeoutException>(() => link.ReadAsync(new byte[1], TimeSpan.FromMilliseconds(100), CancellationToken.None));
        peer.Shutdown(SocketShutdown.Both);
        peer.Close();
        Assert.Equal(0, await link.ReadAsync(new byte[1], TimeSpan.FromSeconds(5), CancellationToken.None));
    }

    [Fact]
    public async Task Tcp_link_to_nothing_fails_with_a_clear_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var link = new TcpLink("127.0.0.1", port);
        var e = await Assert.ThrowsAsync<BoardLinkException>(() => link.OpenAsync(CancellationToken.None));
        Assert.Contains($"tcp:127.0.0.1:{port}", e.Message);
        Assert.Contains("listening", e.Message);
    }

    [Fact]
    public async Task A_serial_link_on_a_file_that_is_no_tty_says_what_to_check()
    {
        var file = Path.GetTempFileName();
        await using var link = new SerialLink(file, 115200) { TakeLock = false };
        var e = await Assert.ThrowsAsync<BoardLinkException>(() => link.OpenAsync(CancellationToken.None));
        File.Delete(file);
        Assert.StartsWith($"cannot open serial port {file} at 115200 baud: ", e.Message);
        Assert.DoesNotContain(".;", e.Message);
        // Root may open any device, so a refusal there is no group's fault.
        Assert.Contains(Environment.IsPrivilegedProcess ? $"check that {file} is a serial device (a tty)" : "dialout", e.Message);
    }

    [Fact]
    public async Task Serial_link_over_a_socat_pty_pair_exchanges_bytes_both_ways()
    {
        using var pty = new SocatPair();
        await using var a = new SerialLink(pty.A, 921600);
        await using var b = new SerialLink(pty.B, 921600) { TakeLock = false };
        await a.OpenAsync(CancellationToken.None);
        await b.OpenAsync(CancellationToken.None);
        var payload = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        await a.WriteAsync(payload, CancellationToken.None);
        Assert.Equal(payload, await ReadExactly(b, payload.Length));
        await b.WriteAsync(new byte[] { 0xA5, 0x5A, 0x00, 0xFF }, CancellationToken.None);
        Assert.Equal(new byte[] { 0xA5, 0x5A, 0x00, 0xFF }, await ReadExactly(a, 4));
        await Assert.ThrowsAsync<TimeoutException>(() => a.ReadAsync(new byte[1], TimeSpan.FromMilliseconds(100), CancellationToken.None));
    }

    [Fact]
    public async Task Serial_link_delivers_every_byte_of_small_writes_spread_over_time()
    {
        // Replies arrive as small bursts at any moment, also while the reader is between reads; none may be lost.
        using var pty = new SocatPair();
        await using var a = new SerialLink(pty.A, 921600);
        await using var b = new SerialLink(pty.B, 921600) { TakeLock = false };
        await a.OpenAsync(CancellationToken.None);
        await b.OpenAsync(CancellationToken.None);
        var random = new Random(7);
        var sent = new List<byte>();
        for (int burst = 0; burst < 150; burst++)
        {
            var bytes = Enumerable.Range(0, 1 + random.Next(24)).Select(_ => (byte)random.Next(256)).ToArray();
            await a.WriteAsync(bytes, CancellationToken.None);
            sent.AddRange(bytes);
            await Task.Delay(random.Next(25));
        }
        Assert.Equal(sent, await ReadExactly(b, sent.Count));
    }

    [Fact]
    public async Task Serial_link_detects_a_vanished_device()
    {
        using var pty = new SocatPair();
        await using var a = new SerialLink(pty.A, 115200);
        await a.OpenAsync(CancellationToken.None);
        pty.Kill();
        var e = await Assert.ThrowsAsync<BoardLinkException>(async () =>
        {
            for (int i = 0; i < 50; i++)
            {
                try { await a.ReadAsync(new byte[16], TimeSpan.FromMilliseconds(200), CancellationToken.None); }
                catch (TimeoutException) { }
            }
        });
        Assert.Contains("vanished", e.Message);
    }

    [Fact]
    public async Task Serial_link_to_a_missing_port_says_so()
    {
        await using var link = new SerialLink("/dev/hass-no-such-port", 9600);
        var e = await Assert.ThrowsAsync<BoardLinkException>(() => link.OpenAsync(CancellationToken.None));
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public async Task Two_links_to_one_serial_board_in_one_process_are_refused()
    {
        using var pty = new SocatPair();
        await using var first = new SerialLink(pty.A, 921600);
        await first.OpenAsync(CancellationToken.None);
        await using var second = new SerialLink(pty.A, 921600) { LockWait = TimeSpan.FromMilliseconds(100) };
        var e = await Assert.ThrowsAsync<BoardLinkException>(() => second.OpenAsync(CancellationToken.None));
        Assert.Contains("in use", e.Message);
    }
}
