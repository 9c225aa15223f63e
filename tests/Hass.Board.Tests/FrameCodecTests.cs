using System.IO.Hashing;
using System.Text;
using Hass.Board.Protocol;

namespace Hass.Board.Tests;

public class FrameCodecTests
{
    private const string StatusSeq1Hex = "A55A010201000000000019A011C9D941";

    private static List<DecodeResult> Decode(FrameDecoder decoder, ReadOnlySpan<byte> bytes)
    {
        var results = new List<DecodeResult>();
        decoder.Feed(bytes, results);
        return results;
    }

    [Fact]
    public void Crc32_is_the_ieee_zlib_polynomial()
    {
        Assert.Equal(0xCBF43926u, Crc32.HashToUInt32(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Frame_round_trips_with_the_documented_layout()
    {
        var frame = FrameCodec.Encode(FrameType.Run, 0x1234, [1, 2, 3]);
        Assert.Equal(FrameCodec.HeaderSize + 3 + FrameCodec.TrailerSize, frame.Length);
        Assert.Equal(new byte[] { 0xA5, 0x5A, 1, 0x20, 0x34, 0x12, 3, 0, 0, 0 }, frame[..10]);
        var result = Assert.Single(Decode(new FrameDecoder(), frame));
        Assert.Equal(FrameType.Run, result.Frame!.Type);
        Assert.Equal(0x1234, result.Frame.Sequence);
        Assert.Equal(new byte[] { 1, 2, 3 }, result.Frame.Payload);
    }

    [Fact]
    public void Protocol_md_example_frame_matches_the_encoder()
    {
        // The STATUS request example of boards/PROTOCOL.md §2.
        var frame = FrameCodec.Encode(FrameType.Status, 1, []);
        Assert.Equal("A55A0102010000000000", Convert.ToHexString(frame[..10]));
        Assert.Equal(StatusSeq1Hex, Convert.ToHexString(frame));
    }

    [Fact]
    public void Decoder_reassembles_frames_fed_byte_by_byte_between_garbage()
    {
        var decoder = new FrameDecoder();
        var stream = new List<byte> { 0x00, 0xA5, 0x13, 0xA5 };
        stream.AddRange(FrameCodec.Encode(FrameType.Hello, 1, [9, 9]));
        stream.AddRange(new byte[] { 0x5A, 0xA5, 0x5A, 0x01 });
        stream.AddRange(FrameCodec.Encode(FrameType.Status, 2, []));
        var results = new List<DecodeResult>();
        foreach (var b in stream) decoder.Feed([b], results);
        Assert.Equal(new ushort[] { 1, 2 }, results.Where(r => !r.IsCorrupt).Select(r => r.Frame!.Sequence));
        Assert.True(decoder.BytesDiscarded >= 4);
    }

    [Fact]
    public void Payload_corruption_is_reported_with_type_and_sequence_and_the_next_frame_still_decodes()
    {
        var bad = FrameCodec.Encode(FrameType.TransferChunk, 77, new byte[100]);
        bad[50] ^= 0x10;
        var good = FrameCodec.Encode(FrameType.Status, 78, []);
        var results = Decode(new FrameDecoder(), [.. bad, .. good]);
        Assert.Contains(results, r => r.IsCorrupt && r.CorruptSequence == 77 && r.CorruptType == FrameType.TransferChunk);
        Assert.Equal(78, Assert.Single(results, r => !r.IsCorrupt).Frame!.Sequence);
    }

    [Fact]
    public void Header_corruption_resynchronises_without_waiting_for_a_bogus_length()
    {
        var bad = FrameCodec.Encode(FrameType.Status, 5, []);
        bad[8] = 0x7F; // length now huge; the header check catches it
        var good = FrameCodec.Encode(FrameType.Status, 6, []);
        var decoder = new FrameDecoder();
        var results = Decode(decoder, [.. bad, .. good]);
        Assert.Equal(6, Assert.Single(results).Frame!.Sequence);
        Assert.Equal(0, decoder.Pending);
    }

    [Fact]
    public void Encoder_refuses_payloads_beyond_the_maximum()
    {
        var e = Assert.Throws<ArgumentException>(() => FrameCodec.Encode(FrameType.TransferChunk, 1, new byte[FrameCodec.MaxPayload + 1]));
        Assert.Contains("65536", e.Message);
        Assert.Equal(FrameCodec.MaxFrameSize, FrameCodec.Encode(FrameType.TransferChunk, 1, new byte[FrameCodec.MaxPayload]).Length);
    }
}
