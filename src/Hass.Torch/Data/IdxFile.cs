using System.Buffers.Binary;
using System.IO.Compression;

namespace Hass.Torch.Data;

/// <summary>Thrown for unreadable or inconsistent data files; the message names the file and what to do.</summary>
public sealed class DatasetException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Reader of IDX files (the MNIST/Fashion-MNIST format), raw or gzip-compressed: big-endian magic 0x0000TTDD
/// (TT = 0x08 unsigned byte, DD = number of dimensions), DD big-endian int32 sizes, then the data.
/// </summary>
public static class IdxFile
{
    public const int MaxDimensions = 4;

    public sealed record Content(int[] Dimensions, byte[] Data)
    {
        public int Count => Dimensions[0];
    }

    public static Content Read(string path, int expectedDimensions)
    {
        if (!File.Exists(path)) throw new DatasetException($"IDX file '{path}' does not exist");
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
            if (bytes.Length >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b)
            {
                using var gz = new GZipStream(new MemoryStream(bytes), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                gz.CopyTo(ms);
                bytes = ms.ToArray();
            }
        }
        catch (InvalidDataException e)
        {
            throw new DatasetException($"IDX file '{path}' is not valid gzip ({e.Message}); the download is probably truncated or corrupt: fetch it again", e);
        }
        catch (EndOfStreamException e)
        {
            throw new DatasetException($"IDX file '{path}' ends inside its gzip stream; the download is truncated: fetch it again", e);
        }
        return Parse(bytes, path, expectedDimensions);
    }

    public static Content Parse(byte[] bytes, string name, int expectedDimensions)
    {
        if (bytes.Length < 4) throw new DatasetException($"IDX file '{name}' is only {bytes.Length} bytes long: it is truncated or not an IDX file");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new DatasetException($"IDX file '{name}' has a bad magic number 0x{BinaryPrimitives.ReadUInt32BigEndian(bytes):x8} (expected 0x00000801 for labels or 0x00000803 for images): not an IDX file");
        if (bytes[2] != 0x08)
            throw new DatasetException($"IDX file '{name}' stores type 0x{bytes[2]:x2}; only unsigned bytes (0x08) are supported");
        int dims = bytes[3];
        if (dims != expectedDimensions)
            throw new DatasetException($"IDX file '{name}' has {dims} dimensions where {expectedDimensions} were expected (magic 0x000008{expectedDimensions:x2}); is it the right file?");
        int header = 4 + 4 * dims;
        if (bytes.Length < header) throw new DatasetException($"IDX file '{name}' is truncated inside its header");
        var sizes = new int[dims];
        long total = 1;
        for (int d = 0; d < dims; d++)
        {
            sizes[d] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * d));
            if (sizes[d] <= 0) throw new DatasetException($"IDX file '{name}' declares a size of {sizes[d]} in dimension {d}");
            total *= sizes[d];
        }
        long actual = bytes.Length - header;
        if (actual < total)
            throw new DatasetException($"IDX file '{name}' is truncated: its header declares {string.Join("x", sizes)} = {total} bytes of data, but only {actual} follow; fetch the file again");
        if (actual > total)
            throw new DatasetException($"IDX file '{name}' has {actual - total} bytes of trailing data after the {string.Join("x", sizes)} values its header declares; the file is corrupt");
        return new Content(sizes, bytes.AsSpan(header).ToArray());
    }

    /// <summary>Writes an IDX file (used by tests and tools); gzip-compressed when the name ends in .gz.</summary>
    public static void Write(string path, int[] dimensions, byte[] data)
    {
        using var file = File.Create(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionLevel.Fastest) : file;
        Span<byte> word = stackalloc byte[4];
        stream.Write([0, 0, 0x08, (byte)dimensions.Length]);
        foreach (var d in dimensions) { BinaryPrimitives.WriteInt32BigEndian(word, d); stream.Write(word); }
        stream.Write(data);
    }
}
