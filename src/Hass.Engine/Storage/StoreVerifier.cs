using Hass.Abstractions;
using LiteDB;

namespace Hass.Engine.Storage;

/// <summary>
/// Reads a whole store through a read-only connection before any command uses it: the schema version, every
/// document of every collection (its page chain and BSON), every record's JSON but the evaluation cache's (its entries
/// are decoded when used, and a damaged one is a miss), and the trials' campaign index.
/// LiteDB pages carry no checksums, so damage inside a stored value that still reads as a valid record cannot be
/// found; anything else throws, and the caller refuses the store without having written it.
/// </summary>
internal static class StoreVerifier
{
    private static readonly (string Collection, int KnownSchema, Action<BsonDocument> Read)[] Collections =
    [
        ("campaigns", CampaignDocument.SchemaVersion, doc => HassJson.Deserialize<CampaignDocument>(doc["json"].AsString)),
        ("trials", TrialRecord.SchemaVersion, doc => CheckTrial(HassJson.Deserialize<TrialRecord>(doc["json"].AsString))),
        ("evaluations", EvaluationDocuments.SchemaVersion, EvaluationDocuments.CheckFields), // a cache: decoded when used
        ("designs", HardwareDesign.SchemaVersion, doc => HassJson.Deserialize<HardwareDesign>(doc["json"].AsString)),
        ("measurements", Measurement.SchemaVersion, doc => HassJson.Deserialize<Measurement>(doc["json"].AsString)),
        ("calibration", CalibrationDocument.SchemaVersion, doc => HassJson.Deserialize<CalibrationDocument>(doc["json"].AsString)),
    ];

    public static void Verify(LiteDatabase db, string path)
    {
        CheckSchemaVersion(db, path);
        foreach (var (name, knownSchema, read) in Collections)
        {
            foreach (var doc in db.GetCollection(name).FindAll())
            {
                var schema = doc.TryGetValue("schema", out var s) ? s.AsInt32 : 0;
                if (schema > knownSchema)
                    throw new StoreSchemaException($"store {path}: a document in '{name}' has schema {schema}, newer than this hass understands ({knownSchema}); use a newer hass — the store was not changed");
                read(doc);
            }
        }
        CheckCampaignIndex(db);
    }

    /// <summary>Members every reader of a trial takes for granted, which the JSON reader lets through as null.</summary>
    private static void CheckTrial(TrialRecord? trial)
    {
        if (trial is null || trial.Campaign is null || trial.Parameters?.Values is null)
            throw new LiteException(0, $"a trial record{(trial?.Campaign is null ? "" : $" of campaign '{trial.Campaign}' (trial {trial.Number})")} lacks its campaign or parameters");
    }

    private static void CheckSchemaVersion(LiteDatabase db, string path)
    {
        var meta = db.GetCollection("meta").FindById("schema")
            ?? throw new StoreDamagedException($"store {path} is a LiteDB file without a HASS schema version: it was not written by hass (or is damaged); it was not changed — use another --store");
        var version = meta["version"].AsInt32;
        if (version > HassStore.SchemaVersion)
            throw new StoreSchemaException(
                $"store {path} has schema version {version}, newer than this hass understands ({HassStore.SchemaVersion}, written by {meta["writtenBy"].AsString}); use a newer hass or another --store — the store was not changed");
        if (version < HassStore.SchemaVersion)
            throw new StoreSchemaException($"store {path} has old schema version {version} (this hass: {HassStore.SchemaVersion}) and no migration exists; use another --store");
    }

    /// <summary>Every trial found through the "campaign" index, as often as the full scan found it.</summary>
    private static void CheckCampaignIndex(LiteDatabase db)
    {
        var trials = db.GetCollection("trials");
        var scanned = trials.FindAll().GroupBy(d => d["campaign"].AsString).ToDictionary(g => g.Key, g => g.Count());
        foreach (var (campaign, count) in scanned)
        {
            var indexed = trials.Count(Query.EQ("campaign", campaign));
            if (indexed != count)
                throw new LiteException(0, $"the trials index of campaign '{campaign}' lists {indexed} trials, the collection holds {count}");
        }
    }
}
