using System.Buffers.Binary;
using System.IO.Hashing;
using Hass.Board.Protocol;
using static Hass.Board.Conformance.ConformanceContext;

namespace Hass.Board.Conformance;

/// <summary>Framing (PROTOCOL.md §2): sync, header check, CRC, BAD_FRAME, maximum frame, unknown types, versions.</summary>
public static class FramingChecks
{
    private const string Group = "framing";

    public static IReadOnlyList<ConformanceCheck> All { get; } =
    [
        new(Group, "HELLO is answered with INFO of protocol 1", async (c, ct) =>
        {
            var info = BoardInfo.Decode(Expect(await c.RequestAsync(FrameType.Hello, new HelloRequest(1, "selftest").Encode(), ct), FrameType.Info));
            if (info.ProtocolVersion != 1 || info.MaxPayload is 0 or > FrameCodec.MaxPayload || info.ClockKHz == 0)
                throw new ConformanceFailure($"INFO says protocol {info.ProtocolVersion}, max payload {info.MaxPayload}, clock {info.ClockKHz} kHz");
        }),
        new(Group, "HELLO of protocol 2 is UNSUPPORTED_VERSION", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.Hello, new HelloRequest(2, "selftest").Encode(), ct), ErrorCode.UnsupportedVersion)),
        new(Group, "the example STATUS frame of PROTOCOL.md is answered with its seq", async (c, ct) =>
        {
            await c.Link.SendRawAsync(Convert.FromHexString("A55A0102010000000000" + "19A011C9D941"), ct);
            Expect(await c.Link.ReceiveAsync(1, ct) ?? throw new ConformanceFailure("no reply with seq 1"), FrameType.StatusReply);
        }),
        new(Group, "noise before the sync word is skipped", async (c, ct) =>
        {
            ushort seq = c.Link.NextSequence();
            await c.Link.SendRawAsync([0x00, 0xA5, 0x13, 0x5A, 0xFF, .. FrameCodec.Encode(FrameType.Status, seq, [])], ct);
            Expect(await c.Link.ReceiveAsync(seq, ct) ?? throw new ConformanceFailure("no reply after the noise"), FrameType.StatusReply);
        }),
        new(Group, "a frame with a bad CRC gets BAD_FRAME with its seq", async (c, ct) =>
        {
            ushort seq = c.Link.NextSequence();
            var frame = FrameCodec.Encode(FrameType.Status, seq, []);
            frame[^1] ^= 0x40;
            await c.Link.SendRawAsync(frame, ct);
            await ExpectCorruptAnsweredAsync(c, seq, ct);
        }),
        new(Group, "a header announcing more than 65536 bytes is skipped", async (c, ct) =>
        {
            ushort bad = c.Link.NextSequence(), good = c.Link.NextSequence();
            var header = FrameCodec.Encode(FrameType.Status, bad, []).AsSpan(0, FrameCodec.HeaderSize).ToArray();
            BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(6), FrameCodec.MaxPayload + 1);
            BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(10), (ushort)Crc32.HashToUInt32(header.AsSpan(0, 10)));
            await c.Link.SendRawAsync([.. header, .. FrameCodec.Encode(FrameType.Status, good, [])], ct);
            Expect(await c.Link.ReceiveAsync(good, ct) ?? throw new ConformanceFailure("the board stalled on the oversized header"), FrameType.StatusReply);
        }),
        new(Group, "a frame of the maximum size (65536-byte payload) is answered", async (c, ct) =>
        {
            var reply = await c.Link.ExchangeAsync(FrameType.Results, new byte[FrameCodec.MaxPayload], ct)
                ?? throw new ConformanceFailure("no reply to a maximum-size frame");
            if (reply.Type == FrameType.Error && ErrorReply.Decode(reply.Payload).Code == ErrorCode.BadFrame)
                throw new ConformanceFailure("a valid maximum-size frame was taken for a corrupt one");
        }),
        new(Group, "an unknown request type is UNKNOWN_TYPE", async (c, ct) =>
            ExpectError(await c.RequestAsync((FrameType)0x7E, [], ct), ErrorCode.UnknownType)),
        new(Group, "a truncated payload is BAD_PAYLOAD", async (c, ct) =>
            ExpectError(await c.RequestAsync(FrameType.Results, [1, 0], ct), ErrorCode.BadPayload)),
        new(Group, "a reply frame sent to the board is ignored", async (c, ct) =>
        {
            ushort ignored = c.Link.NextSequence(), seq = c.Link.NextSequence();
            await c.Link.SendRawAsync([.. FrameCodec.Encode(FrameType.StatusReply, ignored, []), .. FrameCodec.Encode(FrameType.Status, seq, [])], ct);
            Expect(await c.Link.ReceiveAsync(seq, ct) ?? throw new ConformanceFailure("no reply to the STATUS after it"), FrameType.StatusReply);
            if (c.Link.Stray.Any(f => f.Sequence == ignored)) throw new ConformanceFailure("the board answered a reply frame");
        }),
    ];

    /// <summary>A corrupt request must be answered with ERROR BAD_FRAME carrying its sequence number.</summary>
    private static async Task ExpectCorruptAnsweredAsync(ConformanceContext c, ushort seq, CancellationToken ct)
    {
        var reply = await c.Link.ReceiveAsync(seq, ct) ?? throw new ConformanceFailure("no BAD_FRAME reply to the corrupt frame");
        ExpectError(reply, ErrorCode.BadFrame);
    }
}
