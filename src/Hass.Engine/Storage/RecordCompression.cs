using System.IO.Compression;
using System.Text;

namespace Hass.Engine.Storage;

/// <summary>
/// Brotli at its fastest level (most of the gain on a profile's histograms, 4.8× on the JSON, for a few milliseconds), after
/// the length of what it holds: a Brotli stream cut short decodes without an error, the length tells.
/// </summary>
internal static class RecordCompression
{
    public static byte[] Compress(byte[] bytes)
    {
        using var buffer = new MemoryStream();
        using (var header = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true)) header.Write7BitEncodedInt(bytes.Length);
        using (var brotli = new BrotliStream(buffer, CompressionLevel.Fastest, leaveOpen: true)) brotli.Write(bytes);
        return buffer.ToArray();
    }

    /// <summary>The bytes <see cref="Compress"/> was given; a <see cref="FormatException"/> for bytes it did not write.</summary>
    public static byte[] Decompress(byte[] bytes)
    {
        using var input = new MemoryStream(bytes);
        using var output = new MemoryStream();
        try
        {
            int length = new BinaryReader(input).Read7BitEncodedInt();
            using (var brotli = new BrotliStream(input, CompressionMode.Decompress, leaveOpen: true)) brotli.CopyTo(output);
            if (output.Length != length)
                throw new FormatException($"a compressed evaluation record holds {output.Length} of its {length} bytes");
        }
        // Not an IOException for the store to report as a file it cannot read: this is a damaged record.
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException or EndOfStreamException or FormatException)
        {
            throw e as FormatException ?? new FormatException("a compressed evaluation record is damaged", e);
        }
        return output.ToArray();
    }
}
