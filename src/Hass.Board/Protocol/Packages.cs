using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Hass.Abstractions;

namespace Hass.Board.Protocol;

/// <summary>
/// The bytes a DESIGN transfer carries (PROTOCOL.md §6): "HASSDEP1", u32 manifest length, the manifest
/// (UTF-8 JSON: design, graph, activation thresholds, tensor index), then the tensors as float32 little-endian.
/// </summary>
public sealed record DeploymentPackage(HardwareDesign Design, DeployableNetwork Network)
{
    public static ReadOnlySpan<byte> Magic => "HASSDEP1"u8;

    private sealed record TensorEntry(string Layer, long WeightsOffset, int WeightsCount, long BiasOffset, int BiasCount);
    private sealed record Manifest(HardwareDesign Design, NetworkGraph Graph, IReadOnlyDictionary<string, double> ActivationThresholds, IReadOnlyList<TensorEntry> Tensors);

    public byte[] Encode()
    {
        var entries = new List<TensorEntry>();
        long offset = 0;
        foreach (var t in Network.Tensors)
        {
            long biasOffset = offset + t.Weights.Length;
            entries.Add(new TensorEntry(t.Layer, offset, t.Weights.Length, biasOffset, t.Bias?.Length ?? 0));
            offset = biasOffset + (t.Bias?.Length ?? 0);
        }
        var manifest = Encoding.UTF8.GetBytes(HassJson.Serialize(new Manifest(Design, Network.Graph, Network.ActivationThresholds, entries)));
        var bytes = new byte[Magic.Length + 4 + manifest.Length + offset * 4];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(Magic.Length), (uint)manifest.Length);
        manifest.CopyTo(bytes.AsSpan(Magic.Length + 4));
        var data = bytes.AsSpan(Magic.Length + 4 + manifest.Length);
        int at = 0;
        foreach (var t in Network.Tensors)
        {
            foreach (var v in t.Weights) { BinaryPrimitives.WriteSingleLittleEndian(data[(at * 4)..], v); at++; }
            foreach (var v in t.Bias ?? []) { BinaryPrimitives.WriteSingleLittleEndian(data[(at * 4)..], v); at++; }
        }
        return bytes;
    }

    /// <summary>Parses a package; throws <see cref="ProtocolException"/> saying what is wrong.</summary>
    public static DeploymentPackage Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 4 || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new ProtocolException("deployment package does not start with HASSDEP1");
        int manifestLength = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(bytes[Magic.Length..]), int.MaxValue);
        if (manifestLength > bytes.Length - Magic.Length - 4)
            throw new ProtocolException($"deployment package manifest length {manifestLength} exceeds the package ({bytes.Length} bytes)");
        Manifest manifest;
        try
        {
            manifest = HassJson.Deserialize<Manifest>(Encoding.UTF8.GetString(bytes.Slice(Magic.Length + 4, manifestLength)));
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or ArgumentException)
        {
            throw new ProtocolException($"deployment package manifest is not valid JSON: {e.Message}");
        }
        var data = bytes[(Magic.Length + 4 + manifestLength)..];
        long floats = data.Length / 4;
        var tensors = new List<LayerTensors>();
        foreach (var e in manifest.Tensors ?? [])
        {
            if (e?.Layer is null) throw new ProtocolException("deployment package has a tensor entry without a layer name");
            // Written as "offset > floats - count" so that no offset near 2^63 can overflow past the check.
            if (e.WeightsOffset < 0 || e.WeightsCount < 0 || e.BiasCount < 0 || e.BiasOffset < 0
                || e.WeightsOffset > floats - e.WeightsCount || e.BiasOffset > floats - e.BiasCount)
                throw new ProtocolException($"deployment package tensor '{e.Layer}' lies outside the data section");
            tensors.Add(new LayerTensors(e.Layer, ReadFloats(data, e.WeightsOffset, e.WeightsCount), e.BiasCount == 0 ? null : ReadFloats(data, e.BiasOffset, e.BiasCount)));
        }
        if (manifest.Design is null || manifest.Graph is null)
            throw new ProtocolException("deployment package manifest lacks the design or the graph");
        return new DeploymentPackage(manifest.Design, new DeployableNetwork(manifest.Graph, tensors, manifest.ActivationThresholds ?? new Dictionary<string, double>()));
    }

    private static float[] ReadFloats(ReadOnlySpan<byte> data, long offset, int count)
    {
        var result = new float[count];
        for (int i = 0; i < count; i++) result[i] = BinaryPrimitives.ReadSingleLittleEndian(data[(int)((offset + i) * 4)..]);
        return result;
    }
}

/// <summary>The bytes an IMAGES transfer carries: "HASSIMG1", u32 count, channels, rows, cols, then float32 N×C×H×W.</summary>
public sealed record ImageSet(int Count, TensorShape Shape, float[] Data)
{
    public static ReadOnlySpan<byte> Magic => "HASSIMG1"u8;

    public static ImageSet Create(TensorShape shape, float[] data)
    {
        if (shape.Elements == 0 || data.Length == 0 || data.Length % shape.Elements != 0)
            throw new ArgumentException($"image data of {data.Length} values is not a whole number of {shape} images");
        return new ImageSet((int)(data.Length / shape.Elements), shape, data);
    }

    public float[] Image(int index) => Data.AsSpan((int)(index * Shape.Elements), (int)Shape.Elements).ToArray();

    public byte[] Encode()
    {
        var bytes = Header((uint)Count, (uint)Shape.Channels, (uint)Shape.Rows, (uint)Shape.Cols, Data.Length * 4);
        var s = bytes.AsSpan(Magic.Length + 16);
        for (int i = 0; i < Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(s[(4 * i)..], Data[i]);
        return bytes;
    }

    /// <summary>
    /// The header announcing <paramref name="count"/> images of channels×rows×cols, followed by <paramref name="dataBytes"/>
    /// zero bytes for the data (a header alone, announcing more than it carries, is what the bounds checks send).
    /// </summary>
    public static byte[] Header(uint count, uint channels, uint rows, uint cols, int dataBytes = 0)
    {
        var bytes = new byte[Magic.Length + 16 + dataBytes];
        Magic.CopyTo(bytes);
        var s = bytes.AsSpan(Magic.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s, count);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], channels);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], rows);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], cols);
        return bytes;
    }

    public static ImageSet Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Magic.Length + 16 || !bytes[..Magic.Length].SequenceEqual(Magic))
            throw new ProtocolException("image set does not start with HASSIMG1");
        var s = bytes[Magic.Length..];
        long count = BinaryPrimitives.ReadUInt32LittleEndian(s), c = BinaryPrimitives.ReadUInt32LittleEndian(s[4..]);
        long h = BinaryPrimitives.ReadUInt32LittleEndian(s[8..]), w = BinaryPrimitives.ReadUInt32LittleEndian(s[12..]);
        // Each factor is below 2^32, so the product is formed in floating point to compare it without overflow.
        double values = (double)count * c * h * w;
        if (count == 0 || values == 0 || values * 4 != s.Length - 16)
            throw new ProtocolException($"image set header says {count} images of {c}x{h}x{w} but carries {s.Length - 16} data bytes");
        if (c > int.MaxValue || h > int.MaxValue || w > int.MaxValue)
            throw new ProtocolException($"image set header says images of {c}x{h}x{w}; each dimension must be below 2^31");
        var data = new float[(s.Length - 16) / 4];
        for (int i = 0; i < data.Length; i++) data[i] = BinaryPrimitives.ReadSingleLittleEndian(s[(16 + 4 * i)..]);
        return new ImageSet((int)count, new TensorShape((int)c, (int)h, (int)w), data);
    }
}

public static class PackageHash
{
    public static byte[] Sha256(ReadOnlySpan<byte> data) => SHA256.HashData(data);
}
