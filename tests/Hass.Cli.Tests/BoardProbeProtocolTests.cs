using System.Net;
using System.Net.Sockets;
using Hass.Board.Protocol;

namespace Hass.Cli.Tests;

/// <summary>`hass board probe` against a real loopback server whose firmware breaks the protocol.</summary>
public class BoardProbeProtocolTests
{
    [Fact]
    public async Task A_board_answering_HELLO_with_a_short_INFO_gives_exit_6_and_a_protocol_message()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var server = AnswerHelloWithShortInfo(listener, stop.Token);
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var probe = await Cli.RunRaw("board", "probe", $"tcp:127.0.0.1:{port}");
        stop.Cancel();
        await server;

        Assert.Equal(ExitCodes.BoardError, probe.ExitCode);
        var line = Assert.Single(probe.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains("INFO", line);
        Assert.Contains("protocol", line);
        Assert.DoesNotContain("Exception", line);
    }

    /// <summary>Replies to every HELLO with an INFO frame of three bytes (a real INFO is far longer).</summary>
    private static async Task AnswerHelloWithShortInfo(TcpListener listener, CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                using var client = await listener.AcceptTcpClientAsync(ct);
                var stream = client.GetStream();
                var decoder = new FrameDecoder();
                var frames = new List<DecodeResult>();
                var buffer = new byte[4096];
                int n;
                while ((n = await stream.ReadAsync(buffer, ct)) > 0)
                {
                    decoder.Feed(buffer.AsSpan(0, n), frames);
                    foreach (var f in frames.Where(r => r.Frame is { Type: FrameType.Hello }))
                        await stream.WriteAsync(FrameCodec.Encode(FrameType.Info, f.Frame!.Sequence, [1, 2, 3]), ct);
                    frames.Clear();
                }
            }
        }
        catch (OperationCanceledException) { }
        catch (IOException) { }
    }
}
