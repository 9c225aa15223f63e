using System.Buffers.Binary;
using System.IO.Hashing;

namespace Hass.Board.Protocol;

/// <summary>Frame types of protocol version 1 (boards/PROTOCOL.md §3). Replies have bit 7 set.</summary>
public enum FrameType : byte
{
    Hello = 0x01,
    Status = 0x02,
    Reset = 0x03,
    TransferBegin = 0x10,
    TransferChunk = 0x11,
    TransferQuery = 0x12,
    TransferCommit = 0x13,
    Run = 0x20,
    Results = 0x21,

    Info = 0x81,
    StatusReply = 0x82,
    ResetDone = 0x83,
    TransferState = 0x90,
    ChunkAck = 0x91,
    Committed = 0x93,
    RunAccepted = 0xA0,
    RunResults = 0xA1,
    Error = 0xFF,
}

/// <summary>Error codes carried by an <see cref="FrameType.Error"/> reply (PROTOCOL.md §5).</summary>
public enum ErrorCode : ushort
{
    None = 0,
    BadFrame = 1,
    UnknownType = 2,
    BadPayload = 3,
    NotDeployed = 4,
    Busy = 5,
    TransferIncomplete = 6,
    HashMismatch = 7,
    DesignRejected = 8,
    NoSuchRun = 9,
    TooLarge = 10,
    Internal = 11,
    NoTransfer = 12,
    UnsupportedVersion = 13,
}

/// <summary>One decoded frame: type, sequence number and payload.</summary>
public sealed record Frame(FrameType Type, ushort Sequence, byte[] Payload)
{
    public bool IsReply => ((byte)Type & 0x80) != 0;
    public override string ToString() => $"{Type} seq={Sequence} payload={Payload.Length}B";
}

/// <summary>
/// Frame layout, protocol version 1:
/// <code>
/// 0  2  sync 0xA5 0x5A
/// 2  1  protocol version (1)
/// 3  1  type
/// 4  2  sequence number, u16 little-endian
/// 6  4  payload length n, u32 little-endian, n ≤ MaxPayload
/// 10 2  header check: low 16 bits of CRC-32 over bytes 0..9, little-endian
/// 12 n  payload
/// 12+n 4 CRC-32 (IEEE 802.3, as zlib) over bytes 0..12+n-1, little-endian
/// </code>
/// </summary>
public static class FrameCodec
{
    public const byte Sync0 = 0xA5;
    public const byte Sync1 = 0x5A;
    public const byte Version = 1;
    public const int HeaderSize = 12;
    public const int TrailerSize = 4;
    public const int MaxPayload = 65536;
    public const int MaxFrameSize = HeaderSize + MaxPayload + TrailerSize;

    public static byte[] Encode(FrameType type, ushort sequence, ReadOnlySpan<byte> payload)
    {
        if (payload.Length > MaxPayload)
            throw new ArgumentException($"frame payload of {payload.Length} bytes exceeds the protocol maximum of {MaxPayload} bytes", nameof(payload));
        var frame = new byte[HeaderSize + payload.Length + TrailerSize];
        frame[0] = Sync0;
        frame[1] = Sync1;
        frame[2] = Version;
        frame[3] = (byte)type;
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(4), sequence);
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(6), (uint)payload.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(frame.AsSpan(10), HeaderCheck(frame.AsSpan(0, 10)));
        payload.CopyTo(frame.AsSpan(HeaderSize));
        BinaryPrimitives.WriteUInt32LittleEndian(frame.AsSpan(HeaderSize + payload.Length), Crc32.HashToUInt32(frame.AsSpan(0, HeaderSize + payload.Length)));
        return frame;
    }

    public static byte[] Encode(Frame frame) => Encode(frame.Type, frame.Sequence, frame.Payload);

    internal static ushort HeaderCheck(ReadOnlySpan<byte> firstTenBytes) => (ushort)(Crc32.HashToUInt32(firstTenBytes) & 0xFFFF);
}

/// <summary>What the decoder found: a good frame, or a frame whose header was intact but whose CRC failed.</summary>
public readonly record struct DecodeResult(Frame? Frame, FrameType CorruptType, ushort CorruptSequence)
{
    public bool IsCorrupt => Frame is null;
}

/// <summary>
/// Incremental frame decoder. Its buffer is allocated once (<see cref="FrameCodec.MaxFrameSize"/>); a payload
/// array is allocated only for a frame whose CRC checked. Garbage, bad headers and bad CRCs resynchronise
/// on the next sync pattern, one byte further.
/// </summary>
public sealed class FrameDecoder
{
    private readonly byte[] _buffer = new byte[FrameCodec.MaxFrameSize];
    private int _count;

    public long BytesDiscarded { get; private set; }
    public long CrcErrors { get; private set; }
    public long HeaderErrors { get; private set; }
    public long FramesDecoded { get; private set; }
    /// <summary>Bytes held waiting for the rest of a frame.</summary>
    public int Pending => _count;

    public void Reset() => _count = 0;

    /// <summary>Feeds received bytes; appends every complete frame (or corrupt-frame notice) to <paramref name="output"/>.</summary>
    public void Feed(ReadOnlySpan<byte> data, List<DecodeResult> output)
    {
        while (!data.IsEmpty)
        {
            int take = Math.Min(data.Length, _buffer.Length - _count);
            data[..take].CopyTo(_buffer.AsSpan(_count));
            _count += take;
            data = data[take..];
            Parse(output);
        }
    }

    private void Parse(List<DecodeResult> output)
    {
        int pos = 0;
        while (true)
        {
            int sync = FindSync(pos);
            BytesDiscarded += sync - pos;
            pos = sync;
            int available = _count - pos;
            if (available < FrameCodec.HeaderSize) break;
            var header = _buffer.AsSpan(pos, FrameCodec.HeaderSize);
            uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[6..]);
            bool headerOk = header[2] == FrameCodec.Version
                && length <= FrameCodec.MaxPayload
                && BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) == FrameCodec.HeaderCheck(header[..10]);
            if (!headerOk)
            {
                HeaderErrors++;
                BytesDiscarded++;
                pos++;
                continue;
            }
            int total = FrameCodec.HeaderSize + (int)length + FrameCodec.TrailerSize;
            if (available < total) break;
            var type = (FrameType)header[3];
            ushort seq = BinaryPrimitives.ReadUInt16LittleEndian(header[4..]);
            uint crc = BinaryPrimitives.ReadUInt32LittleEndian(_buffer.AsSpan(pos + total - FrameCodec.TrailerSize));
            if (crc != Crc32.HashToUInt32(_buffer.AsSpan(pos, total - FrameCodec.TrailerSize)))
            {
                CrcErrors++;
                output.Add(new DecodeResult(null, type, seq));
                BytesDiscarded++;
                pos++;
                continue;
            }
            var payload = _buffer.AsSpan(pos + FrameCodec.HeaderSize, (int)length).ToArray();
            output.Add(new DecodeResult(new Frame(type, seq, payload), default, 0));
            FramesDecoded++;
            pos += total;
        }
        if (pos > 0)
        {
            Buffer.BlockCopy(_buffer, pos, _buffer, 0, _count - pos);
            _count -= pos;
        }
    }

    /// <summary>Index of the next sync pattern at or after <paramref name="from"/>; a trailing lone 0xA5 is kept.</summary>
    private int FindSync(int from)
    {
        for (int i = from; i < _count; i++)
        {
            if (_buffer[i] != FrameCodec.Sync0) continue;
            if (i + 1 == _count || _buffer[i + 1] == FrameCodec.Sync1) return i;
        }
        return _count;
    }
}
