using System.Text;
using System.Text.Json;
using Hass.Abstractions;
using LiteDB;

namespace Hass.Engine.Storage;

/// <summary>
/// How an <see cref="EvaluationOutcome"/> is kept in the store. Its profile's sample images
/// (<see cref="LayerSparsity.RowNonZeroSamples"/>, up to S×Ho×C counts per layer) would be most of the document as JSON
/// text, so they are kept beside the JSON as one BSON binary per layer (field "rowNonZeroSamples", aligned with
/// the profile's layers, null where a layer has none or keeps a ragged array in the JSON): the dimensions, then the
/// counts, 7-bit encoded (most take two bytes instead of five or six characters). Since schema 3 the JSON and each
/// layer's packed samples are Brotli-compressed (the JSON is mostly histograms of decimal fractions: a profile takes a
/// third of the space, for a few milliseconds a trial). Schema 2 (uncompressed) and schema 1 (samples inside the JSON)
/// documents read as they are.
/// </summary>
internal static class EvaluationDocuments
{
    public const int SchemaVersion = 3;
    private const string SamplesField = "rowNonZeroSamples";

    public static BsonDocument Wrap(string id, EvaluationOutcome outcome)
    {
        var layers = outcome.Profile?.Layers;
        bool Packs(LayerSparsity l) => l.RowNonZeroSamples is { } s && SamplePacking.IsRectangular(s);
        if (layers is null || !layers.Any(Packs))
            return Document(id, outcome);
        var packed = new BsonArray(layers.Select(l => Packs(l) ? new BsonValue(RecordCompression.Compress(SamplePacking.Pack(l.RowNonZeroSamples!))) : BsonValue.Null));
        var withoutSamples = outcome with { Profile = outcome.Profile! with { Layers = layers.Select(l => Packs(l) ? l with { RowNonZeroSamples = null } : l).ToList() } };
        var doc = Document(id, withoutSamples);
        doc[SamplesField] = packed;
        return doc;
    }

    /// <summary>
    /// The outcome of a stored document, or null when it cannot be read: the collection is a cache, so a damaged entry is a
    /// miss, and the evaluation made in its place overwrites it.
    /// </summary>
    public static EvaluationOutcome? ReadOrMiss(BsonDocument doc)
    {
        try
        {
            return Read(doc);
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidCastException)
        {
            return null;
        }
    }

    /// <summary>
    /// What the store's check on opening asks of an entry: its fields have the types it is written with. Its contents are
    /// decoded only when used (<see cref="ReadOrMiss"/>): decoding every profile took most of the time to open a store.
    /// </summary>
    public static void CheckFields(BsonDocument doc)
    {
        if (!doc.TryGetValue("json", out var json) || !(json.IsString || json.IsBinary))
            throw new FormatException("an evaluation record has no JSON");
        if (doc.TryGetValue(SamplesField, out var samples) && !samples.IsNull && !samples.IsArray)
            throw new FormatException("an evaluation record's packed sample images are not an array");
    }

    /// <summary>The outcome of a stored document of any schema; throws when the document or its samples are malformed.</summary>
    public static EvaluationOutcome Read(BsonDocument doc)
    {
        var json = doc["json"];
        var outcome = HassJson.Deserialize<EvaluationOutcome>(json.IsBinary ? Encoding.UTF8.GetString(RecordCompression.Decompress(json.AsBinary)) : json.AsString);
        if (!doc.TryGetValue(SamplesField, out var samples) || samples.IsNull) return outcome;
        bool compressed = doc.TryGetValue("schema", out var schema) && schema.IsInt32 && schema.AsInt32 >= 3;
        var layers = outcome.Profile?.Layers ?? throw new FormatException("an evaluation with packed sample images has no profile");
        if (!samples.IsArray || samples.AsArray.Count != layers.Count)
            throw new FormatException($"an evaluation's packed sample images do not match its {layers.Count} profile layers");
        var packed = samples.AsArray;
        return outcome with
        {
            Profile = outcome.Profile with
            {
                Layers = layers.Select((l, i) => packed[i].IsNull ? l
                    : packed[i].IsBinary ? l with { RowNonZeroSamples = SamplePacking.Unpack(compressed ? RecordCompression.Decompress(packed[i].AsBinary) : packed[i].AsBinary) }
                    : throw new FormatException($"an evaluation's packed sample images of layer {i} are not binary")).ToList(),
            },
        };
    }

    private static BsonDocument Document(string id, EvaluationOutcome outcome) =>
        new() { ["_id"] = id, ["schema"] = SchemaVersion, ["json"] = RecordCompression.Compress(Encoding.UTF8.GetBytes(HassJson.Serialize(outcome))) };
}

/// <summary>A rectangular int[][][] as bytes: its three dimensions, then the values in order, each 7-bit encoded.</summary>
internal static class SamplePacking
{
    public static bool IsRectangular(int[][][] samples)
    {
        if (samples.Length == 0 || samples[0] is not { } first) return false;
        int columns = first.Length > 0 && first[0] is { } row ? row.Length : 0;
        return samples.All(image => image is not null && image.Length == first.Length && image.All(r => r is not null && r.Length == columns));
    }

    public static byte[] Pack(int[][][] samples)
    {
        if (!IsRectangular(samples)) throw new ArgumentException("only rectangular sample arrays are packed", nameof(samples));
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer))
        {
            writer.Write7BitEncodedInt(samples.Length);
            writer.Write7BitEncodedInt(samples[0].Length);
            writer.Write7BitEncodedInt(samples[0].Length > 0 ? samples[0][0].Length : 0);
            foreach (var image in samples)
                foreach (var row in image)
                    foreach (var value in row) writer.Write7BitEncodedInt(value);
        }
        return buffer.ToArray();
    }

    public static int[][][] Unpack(byte[] bytes)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes));
        try
        {
            int images = Dimension(reader, bytes.Length), rows = Dimension(reader, bytes.Length), columns = Dimension(reader, bytes.Length);
            // Each value takes at least one byte: a damaged header cannot make us allocate more than the bytes there are.
            if ((long)images * rows * columns > bytes.Length) throw new FormatException("packed sample images are shorter than their dimensions");
            var samples = new int[images][][];
            for (int i = 0; i < images; i++)
            {
                var image = samples[i] = new int[rows][];
                for (int r = 0; r < rows; r++)
                {
                    var values = image[r] = new int[columns];
                    for (int c = 0; c < columns; c++) values[c] = reader.Read7BitEncodedInt();
                }
            }
            if (reader.BaseStream.Position != bytes.Length) throw new FormatException("packed sample images have bytes after their values");
            return samples;
        }
        // Not an IOException: the store reports those as a file it cannot read, this is a damaged record.
        catch (EndOfStreamException e)
        {
            throw new FormatException("packed sample images are truncated or malformed", e);
        }
    }

    private static int Dimension(BinaryReader reader, int byteCount)
    {
        int n = reader.Read7BitEncodedInt();
        return n >= 0 && n <= byteCount ? n : throw new FormatException($"packed sample images: dimension {n} is out of range");
    }
}
