using System.Net;
using System.Net.Sockets;
using Hass.Board.Links;
using Microsoft.Extensions.DependencyInjection;

namespace Hass.Board.Tests;

/// <summary>A peer that is no HASS board: the session gives up after its attempts, saying how long it waited and what it heard.</summary>
public class NoReplyTests
{
    private static BoardLinks Links() =>
        new ServiceCollection().AddHassBoardLinks().AddBoardLinkRegistry().BuildServiceProvider().GetRequiredService<BoardLinks>();

    private static readonly BoardClientOptions Quick = new() { ReplyTimeout = TimeSpan.FromMilliseconds(300), AttemptsPerRequest = 2 };

    /// <summary>
    /// Runs <paramref name="peer"/> on a thread of its own, not the pool: with the pool busy (two cores, tests in
    /// parallel), a pooled peer could miss a whole 300 ms attempt, and a peer that sends would look silent.
    /// </summary>
    private static async Task<BoardException> ConnectTo(TcpListener listener, Action<Socket, CancellationToken> peer, BoardClientOptions? options = null)
    {
        using var stop = new CancellationTokenSource();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var serving = Task.Factory.StartNew(() =>
        {
            try
            {
                using var socket = listener.AcceptSocket();
                peer(socket, stop.Token);
            }
            catch (SocketException) { }   // the session closed the connection, or never connected and the listener stopped
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await using var session = new BoardSession($"tcp:127.0.0.1:{port}", Links(), options ?? Quick);
        var e = await Assert.ThrowsAsync<BoardException>(() => session.ConnectAsync(CancellationToken.None));
        await stop.CancelAsync();
        listener.Stop();
        await serving;
        return e;
    }

    [Fact]
    public async Task A_peer_that_sends_garbage_is_said_to_send_data_and_the_whole_reply_time_is_named()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var e = await ConnectTo(listener, (socket, stop) =>
        {
            var noise = new byte[64];
            new Random(7).NextBytes(noise);
            noise[0] = noise[1] = 0;   // no sync bytes at the start of each burst
            while (!stop.IsCancellationRequested)
            {
                socket.Send(noise);
                stop.WaitHandle.WaitOne(20);
            }
        }, new BoardClientOptions { ReplyTimeout = TimeSpan.FromSeconds(1), AttemptsPerRequest = 2 });
        // CI, its build running beside the tests, once heard nothing within a 300 ms attempt: the peer's data must arrive
        // in one of two 1 s attempts to count, since the session counts what it heard over all attempts of the request.
        Assert.Contains("within 1000 ms (it sent data, but no reply to this request", e.Message);
    }

    [Fact]
    public async Task A_silent_peer_is_said_not_to_reply()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var e = await ConnectTo(listener, (_, stop) => stop.WaitHandle.WaitOne());
        Assert.EndsWith($"no reply from tcp:127.0.0.1:{port} within 300 ms", e.Message);
    }
}
