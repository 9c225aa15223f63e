using System.Buffers.Binary;
using System.Text;

namespace Hass.Board.Protocol;

/// <summary>A payload that does not follow the protocol (too short, bad value); the message names the field.</summary>
public sealed class ProtocolException(string message) : Exception(message);

/// <summary>Little-endian payload writer; strings are u16 byte length + UTF-8.</summary>
public sealed class PayloadWriter
{
    private byte[] _buffer = new byte[64];
    private int _length;

    public int Length => _length;

    private Span<byte> Grow(int size)
    {
        if (_length + size > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + size));
        var span = _buffer.AsSpan(_length, size);
        _length += size;
        return span;
    }

    public PayloadWriter U8(byte v) { Grow(1)[0] = v; return this; }
    public PayloadWriter U16(ushort v) { BinaryPrimitives.WriteUInt16LittleEndian(Grow(2), v); return this; }
    public PayloadWriter U32(uint v) { BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), v); return this; }
    public PayloadWriter U64(ulong v) { BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v); return this; }
    public PayloadWriter Bytes(ReadOnlySpan<byte> data) { data.CopyTo(Grow(data.Length)); return this; }
    public PayloadWriter String(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        if (bytes.Length > ushort.MaxValue) throw new ArgumentException($"string field of {bytes.Length} bytes is longer than 65535 bytes");
        return U16((ushort)bytes.Length).Bytes(bytes);
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}

/// <summary>Reads a payload written by <see cref="PayloadWriter"/>; throws <see cref="ProtocolException"/> naming the field.</summary>
public ref struct PayloadReader(ReadOnlySpan<byte> data, string message)
{
    private ReadOnlySpan<byte> _data = data;

    public readonly int Remaining => _data.Length;

    private ReadOnlySpan<byte> Take(int size, string field)
    {
        if (_data.Length < size)
            throw new ProtocolException($"{message} payload too short: field '{field}' needs {size} bytes, {_data.Length} left");
        var span = _data[..size];
        _data = _data[size..];
        return span;
    }

    public byte U8(string field) => Take(1, field)[0];
    public ushort U16(string field) => BinaryPrimitives.ReadUInt16LittleEndian(Take(2, field));
    public uint U32(string field) => BinaryPrimitives.ReadUInt32LittleEndian(Take(4, field));
    public ulong U64(string field) => BinaryPrimitives.ReadUInt64LittleEndian(Take(8, field));
    public ReadOnlySpan<byte> Bytes(int size, string field) => Take(size, field);
    public ReadOnlySpan<byte> Rest() { var r = _data; _data = default; return r; }
    public string String(string field)
    {
        int length = U16(field);
        var bytes = Take(length, field);
        try { return new UTF8Encoding(false, true).GetString(bytes); }
        catch (DecoderFallbackException) { throw new ProtocolException($"{message}: field '{field}' is not valid UTF-8"); }
    }
}
