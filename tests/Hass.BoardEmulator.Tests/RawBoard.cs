using Hass.Board.Links;
using Hass.Board.Conformance;
using Hass.Board.Protocol;

namespace Hass.BoardEmulator.Tests;

/// <summary>A raw protocol connection to an emulator (no host-side checks), for tests that send what a host never would.</summary>
internal sealed class RawBoard : IAsyncDisposable
{
    private RawBoard(ConformanceContext context) => Context = context;

    public ConformanceContext Context { get; }
    public ConformanceLink Link => Context.Link;

    public static async Task<RawBoard> ConnectAsync(string address)
    {
        var link = await ConformanceLink.OpenAsync(address, BoardLinks.Standard, TimeSpan.FromSeconds(10), CancellationToken.None);
        var info = BoardInfo.Decode((await link.ExchangeAsync(FrameType.Hello, new HelloRequest(1, "test").Encode(), CancellationToken.None))!.Payload);
        return new RawBoard(new ConformanceContext(link, info));
    }

    /// <summary>Sends a whole blob into a slot and returns the ERROR reply to its COMMIT (fails on anything else).</summary>
    public async Task<ErrorReply> CommitExpectingErrorAsync(TransferSlot slot, byte[] blob)
    {
        var reply = await Context.TransferAsync(slot, blob, CancellationToken.None);
        Assert.Equal(FrameType.Error, reply.Type);
        return ErrorReply.Decode(reply.Payload);
    }

    public async Task<Frame> RequestAsync(FrameType type, byte[] payload) => await Context.RequestAsync(type, payload, CancellationToken.None);

    /// <summary>The board still answers (it was not killed, and did not drop the connection).</summary>
    public async Task AssertAliveAsync() => Assert.Equal(FrameType.StatusReply, (await RequestAsync(FrameType.Status, [])).Type);

    public ValueTask DisposeAsync() => Link.DisposeAsync();
}
