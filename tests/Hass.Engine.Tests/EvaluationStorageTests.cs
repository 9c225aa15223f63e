using Hass.Abstractions;
using Hass.Engine.Storage;
using LiteDB;

namespace Hass.Engine.Tests;

public class EvaluationStorageTests
{
    /// <summary>A profile like the profiler's: a layer with sample images (counts up to a few thousand), one without, one with a ragged array.</summary>
    private static EvaluationOutcome Outcome(int images = 4, int rows = 3, int channels = 5)
    {
        var random = new Random(7);
        var samples = Enumerable.Range(0, images).Select(_ => Enumerable.Range(0, rows)
            .Select(_ => Enumerable.Range(0, channels).Select(_ => random.Next(0, 16_000)).ToArray()).ToArray()).ToArray();
        LayerSparsity Layer(string name, int[][][]? s) => new()
        {
            Layer = name, KernelSize = 9, Histogram = [[0.25, 0.75, 0, 0, 0, 0, 0, 0, 0, 0]], RowNonZeroSamples = s,
        };
        return new EvaluationOutcome
        {
            Top1 = 91.5, Images = 200,
            Profile = new SparsityProfile
            {
                Model = "m", Images = 200,
                Layers = [Layer("a", samples), Layer("b", null), Layer("c", [[[1, 2], [3]], [[int.MaxValue, 0]]])],
            },
        };
    }

    /// <summary>The compressed bytes with 37 of them inverted, as damage inside a stored value leaves them.</summary>
    private static BsonValue Flipped(BsonValue compressed) => new(compressed.AsBinary.Select((b, i) => i > 2 && i < 40 ? (byte)~b : b).ToArray());

    /// <summary>A store holding <paramref name="outcome"/> under <paramref name="key"/>, its stored JSON field then replaced.</summary>
    private static string StoreWithEntry(string key, EvaluationOutcome outcome, Func<BsonValue, BsonValue> replaceJson)
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        using (var store = HassStore.Open(path)) store.SaveEvaluation(key, outcome);
        using var db = new LiteDatabase($"Filename={path}");
        var evaluations = db.GetCollection("evaluations");
        var document = evaluations.FindById(key);
        document["json"] = replaceJson(document["json"]);
        evaluations.Update(document);
        return path;
    }

    [Fact]
    public void Evaluations_with_sample_images_round_trip_exactly()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var outcome = Outcome();
        using (var store = HassStore.Open(path)) store.SaveEvaluation("k", outcome);
        using var reopened = HassStore.Open(path, StoreAccess.Read);
        var read = reopened.GetEvaluation("k")!;
        Assert.Equal(HassJson.Serialize(outcome), HassJson.Serialize(read));
        Assert.Equal(outcome.Profile!.ContentHash(), read.Profile!.ContentHash());
    }

    [Fact]
    public void Evaluations_stored_before_the_packing_still_load()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var outcome = Outcome();
        using (var store = HassStore.Open(path)) store.SaveEvaluationAsSchema1ForTests("old", outcome);
        using var reopened = HassStore.Open(path);
        Assert.Equal(HassJson.Serialize(outcome), HassJson.Serialize(reopened.GetEvaluation("old")));
    }

    [Fact]
    public void Packed_sample_images_make_the_stored_document_much_smaller()
    {
        // The shape of a resnet layer's samples at 128 sample images: 128 × 14 rows × 64 channels.
        var outcome = Outcome(images: 128, rows: 14, channels: 64);
        var packed = BsonSerializer.Serialize(EvaluationDocuments.Wrap("k", outcome)).Length;
        var asJson = BsonSerializer.Serialize(new BsonDocument { ["_id"] = "k", ["schema"] = 1, ["json"] = HassJson.Serialize(outcome) }).Length;
        Assert.True(packed < 0.4 * asJson, $"packed {packed} B, as JSON {asJson} B");
    }

    [Fact]
    public void Evaluations_stored_uncompressed_still_load()
    {
        var path = Path.Combine(TestEnvironment.TempDir(), "hass.db");
        var outcome = Outcome();
        using (HassStore.Open(path)) { }
        using (var db = new LiteDatabase($"Filename={path}"))
        {
            // Schema 2, as hass wrote it before the compression: the JSON as text, the samples packed but not compressed.
            var layers = outcome.Profile!.Layers;
            var withoutSamples = outcome with { Profile = outcome.Profile with { Layers = [layers[0] with { RowNonZeroSamples = null }, layers[1], layers[2]] } };
            db.GetCollection("evaluations").Insert(new BsonDocument
            {
                ["_id"] = "old", ["schema"] = 2, ["json"] = HassJson.Serialize(withoutSamples),
                ["rowNonZeroSamples"] = new BsonArray(new BsonValue(SamplePacking.Pack(layers[0].RowNonZeroSamples!)), BsonValue.Null, BsonValue.Null),
            });
        }
        using var reopened = HassStore.Open(path);
        Assert.Equal(HassJson.Serialize(outcome), HassJson.Serialize(reopened.GetEvaluation("old")));
    }

    [Fact]
    public void Compressed_profiles_make_the_stored_document_much_smaller()
    {
        // A profile's histograms as the profiler writes them: fractions with many digits, a filter histogram of 64 × 128 × 10.
        var random = new Random(3);
        double[] Bins() { var z = Enumerable.Range(0, 10).Select(_ => random.NextDouble()).ToArray(); var sum = z.Sum(); return z.Select(v => v / sum).ToArray(); }
        var layer = new LayerSparsity
        {
            Layer = "features.7", KernelSize = 9, Histogram = Enumerable.Range(0, 64).Select(_ => Bins()).ToArray(),
            FilterZeroHistogram = Enumerable.Range(0, 64).Select(_ => Enumerable.Range(0, 128).Select(_ => Bins()).ToArray()).ToArray(),
        };
        var outcome = new EvaluationOutcome { Top1 = 90, Images = 200, Profile = new SparsityProfile { Model = "m", Images = 200, Layers = [layer] } };
        var compressed = BsonSerializer.Serialize(EvaluationDocuments.Wrap("k", outcome)).Length;
        var asJson = BsonSerializer.Serialize(new BsonDocument { ["_id"] = "k", ["schema"] = 2, ["json"] = HassJson.Serialize(outcome) }).Length;
        Assert.True(compressed < 0.6 * asJson, $"compressed {compressed} B, as JSON {asJson} B");
    }

    [Fact]
    public void A_damaged_compressed_record_is_a_format_error()
    {
        var document = EvaluationDocuments.Wrap("k", Outcome());
        document["json"] = Flipped(document["json"]);
        Assert.Throws<FormatException>(() => EvaluationDocuments.Read(document));
        Assert.Throws<FormatException>(() => RecordCompression.Decompress([0xff, 0xff, 0xff, 0xff, 0x00, 0x12]));
        var whole = RecordCompression.Compress(new byte[5000]);
        Assert.Equal(new byte[5000], RecordCompression.Decompress(whole));
        Assert.Throws<FormatException>(() => RecordCompression.Decompress(whole[..^2]));
    }

    [Fact]
    public void A_damaged_cache_entry_opens_as_a_miss_and_is_replaced()
    {
        var outcome = Outcome();
        var path = StoreWithEntry("k", outcome, Flipped);
        using var reopened = HassStore.Open(path);
        Assert.Null(reopened.GetEvaluation("k"));
        reopened.SaveEvaluation("k", outcome);
        Assert.Equal(HassJson.Serialize(outcome), HassJson.Serialize(reopened.GetEvaluation("k")));
    }

    [Fact]
    public void A_cache_entry_without_its_JSON_is_a_damaged_store()
    {
        var path = StoreWithEntry("k", Outcome(), _ => 42);
        var before = File.ReadAllBytes(path);
        var e = Assert.Throws<StoreDamagedException>(() => HassStore.Open(path, StoreAccess.Read));
        Assert.Contains("was not changed", e.Message);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public void Damaged_packed_samples_are_a_format_error()
    {
        var bytes = SamplePacking.Pack([[[300, 5], [7, 0]]]);
        Assert.Equal([[[300, 5], [7, 0]]], SamplePacking.Unpack(bytes));
        Assert.Throws<FormatException>(() => SamplePacking.Unpack(bytes[..^1]));
        Assert.Throws<FormatException>(() => SamplePacking.Unpack([.. bytes, 1]));
        Assert.Throws<FormatException>(() => SamplePacking.Unpack([0x80, 0x80, 0x80, 0x80, 0x08, 1, 1]));
    }
}
