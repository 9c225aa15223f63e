using Hass.Abstractions;
using LiteDB;

namespace Hass.Engine.Storage;

/// <summary>
/// The LiteDB store: one file, direct mode, owned by one process. Documents are kept as canonical HassJson
/// (field "json") next to a few indexed fields, and every document carries its schema version.
/// A store written by a newer schema is refused, never misread.
/// </summary>
public sealed class HassStore : IDisposable
{
    /// <summary>Version of the store layout; bump on any incompatible change.</summary>
    public const int SchemaVersion = 1;
    public const string DefaultPath = "hass.db";
    public const string EnvironmentVariable = "HASS_STORE";

    private readonly LiteDatabase _db;
    private readonly StoreLock _lock;
    private readonly ILiteCollection<BsonDocument> _campaigns, _trials, _evaluations, _designs, _measurements, _calibration, _meta;

    public string Path { get; }

    private HassStore(string path, StoreLock storeLock, LiteDatabase db)
    {
        Path = path;
        _lock = storeLock;
        _db = db;
        _campaigns = db.GetCollection("campaigns");
        _trials = db.GetCollection("trials");
        _evaluations = db.GetCollection("evaluations");
        _designs = db.GetCollection("designs");
        _measurements = db.GetCollection("measurements");
        _calibration = db.GetCollection("calibration");
        _meta = db.GetCollection("meta");
        _trials.EnsureIndex("campaign");
    }

    /// <summary>Opens (or creates) a store; throws <see cref="StoreInUseException"/> or <see cref="StoreSchemaException"/>.</summary>
    public static HassStore Open(string path, bool createIfMissing = true)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!createIfMissing && !File.Exists(path))
            throw new StoreException($"store {path} does not exist; run a campaign first (hass run) or give --store");
        var dir = System.IO.Path.GetDirectoryName(path);
        if (dir is not null) Directory.CreateDirectory(dir);
        var storeLock = StoreLock.Acquire(path);
        LiteDatabase? db = null;
        try
        {
            db = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct, Upgrade = false });
            var store = new HassStore(path, storeLock, db);
            store.CheckSchema();
            return store;
        }
        catch (Exception e) when (e is not StoreException)
        {
            db?.Dispose();
            storeLock.Dispose();
            throw new StoreException($"store {path} cannot be opened ({e.Message}); it is damaged or not a HASS store — move it away or use another --store", e);
        }
        catch
        {
            db?.Dispose();
            storeLock.Dispose();
            throw;
        }
    }

    private void CheckSchema()
    {
        var meta = _meta.FindById("schema");
        if (meta is null)
        {
            if (_campaigns.Count() > 0 || _trials.Count() > 0)
                throw new StoreSchemaException($"store {Path} has data but no schema version; it was not written by hass — use another --store");
            _meta.Upsert(new BsonDocument { ["_id"] = "schema", ["version"] = SchemaVersion, ["writtenBy"] = "hass " + typeof(HassStore).Assembly.GetName().Version?.ToString(3) });
            _db.Checkpoint();
            return;
        }
        var version = meta["version"].AsInt32;
        if (version > SchemaVersion)
            throw new StoreSchemaException(
                $"store {Path} has schema version {version}, newer than this hass understands ({SchemaVersion}, written by {meta["writtenBy"].AsString}); use a newer hass or another --store — the store was not changed");
        if (version < SchemaVersion)
            throw new StoreSchemaException($"store {Path} has old schema version {version} (this hass: {SchemaVersion}) and no migration exists; use another --store");
    }

    /// <summary>Test hook: marks the store as written by a future schema.</summary>
    internal void SetSchemaVersionForTests(int version)
    {
        var meta = _meta.FindById("schema");
        meta["version"] = version;
        _meta.Upsert(meta);
        _db.Checkpoint();
    }

    // ---- generic JSON documents -------------------------------------------------------------------

    private static BsonDocument Wrap<T>(string id, T value, int schema, Action<BsonDocument>? extra = null)
    {
        var doc = new BsonDocument { ["_id"] = id, ["schema"] = schema, ["json"] = HassJson.Serialize(value) };
        extra?.Invoke(doc);
        return doc;
    }

    private T Unwrap<T>(BsonDocument doc, string collection, int knownSchema)
    {
        var schema = doc.TryGetValue("schema", out var s) ? s.AsInt32 : 0;
        if (schema > knownSchema)
            throw new StoreSchemaException($"store {Path}: a document in '{collection}' has schema {schema}, newer than this hass understands ({knownSchema}); use a newer hass");
        return HassJson.Deserialize<T>(doc["json"].AsString);
    }

    /// <summary>Makes everything written so far durable in the data file.</summary>
    public void Checkpoint() => _db.Checkpoint();

    // ---- campaigns ---------------------------------------------------------------------------------

    public CampaignDocument? GetCampaign(string name) =>
        _campaigns.FindById(name) is { } d ? Unwrap<CampaignDocument>(d, "campaigns", CampaignDocument.SchemaVersion) : null;

    public IReadOnlyList<CampaignDocument> Campaigns() =>
        _campaigns.FindAll().Select(d => Unwrap<CampaignDocument>(d, "campaigns", CampaignDocument.SchemaVersion)).OrderBy(c => c.CreatedAt).ToList();

    public void SaveCampaign(CampaignDocument campaign)
    {
        _campaigns.Upsert(Wrap(campaign.Name, campaign with { UpdatedAt = DateTimeOffset.UtcNow }, CampaignDocument.SchemaVersion,
            d => d["warmStartKey"] = campaign.WarmStartKey));
        _db.Checkpoint();
    }

    // ---- trials ------------------------------------------------------------------------------------

    private static string TrialId(string campaign, int number) => $"{campaign}/{number:D6}";

    public IReadOnlyList<TrialRecord> Trials(string campaign) =>
        _trials.Find(Query.EQ("campaign", campaign))
            .Select(d => Unwrap<TrialRecord>(d, "trials", TrialRecord.SchemaVersion))
            .OrderBy(t => t.Number).ToList();

    public int TrialCount(string campaign) => _trials.Count(Query.EQ("campaign", campaign));

    /// <summary>Writes (or replaces) a trial and checkpoints, so a completed trial survives a kill.</summary>
    public void SaveTrial(TrialRecord trial)
    {
        _trials.Upsert(Wrap(TrialId(trial.Campaign, trial.Number), trial, TrialRecord.SchemaVersion, d =>
        {
            d["campaign"] = trial.Campaign;
            d["number"] = trial.Number;
            d["state"] = trial.State.ToString();
            d["feasible"] = trial.Feasible;
        }));
        _db.Checkpoint();
    }

    /// <summary>Feasible completed trials of other campaigns with the same warm-start key, any order.</summary>
    public IEnumerable<TrialRecord> WarmStartCandidates(string warmStartKey, string excludeCampaign)
    {
        var campaigns = _campaigns.Find(Query.EQ("warmStartKey", warmStartKey))
            .Select(d => d["_id"].AsString).Where(n => n != excludeCampaign).ToList();
        foreach (var c in campaigns)
            foreach (var d in _trials.Find(Query.And(Query.EQ("campaign", c), Query.EQ("feasible", true))))
                yield return Unwrap<TrialRecord>(d, "trials", TrialRecord.SchemaVersion);
    }

    // ---- caches ------------------------------------------------------------------------------------

    public EvaluationOutcome? GetEvaluation(string key) =>
        _evaluations.FindById(key) is { } d ? Unwrap<EvaluationOutcome>(d, "evaluations", 1) : null;

    public void SaveEvaluation(string key, EvaluationOutcome outcome) => _evaluations.Upsert(Wrap(key, outcome, 1));

    public HardwareDesign? GetDesign(string key) =>
        _designs.FindById(key) is { } d ? Unwrap<HardwareDesign>(d, "designs", HardwareDesign.SchemaVersion) : null;

    public void SaveDesign(string key, HardwareDesign design) => _designs.Upsert(Wrap(key, design, HardwareDesign.SchemaVersion));

    public static string MeasurementKey(string designHash, string boardId, string firmware) => $"{designHash}|{boardId}|{firmware}";

    public Measurement? GetMeasurement(string designHash, string boardId, string firmware) =>
        _measurements.FindById(MeasurementKey(designHash, boardId, firmware)) is { } d
            ? Unwrap<Measurement>(d, "measurements", Measurement.SchemaVersion) : null;

    public IReadOnlyList<Measurement> Measurements() =>
        _measurements.FindAll().Select(d => Unwrap<Measurement>(d, "measurements", Measurement.SchemaVersion)).ToList();

    public void SaveMeasurement(Measurement m)
    {
        _measurements.Upsert(Wrap(MeasurementKey(m.DesignHash, m.BoardId, m.Firmware), m, Measurement.SchemaVersion));
        _db.Checkpoint();
    }

    public static string CalibrationKey(string backend, string board) => $"{backend}|{board}";

    public CalibrationDocument GetCalibration(string backend, string board) =>
        _calibration.FindById(CalibrationKey(backend, board)) is { } d
            ? Unwrap<CalibrationDocument>(d, "calibration", CalibrationDocument.SchemaVersion)
            : new CalibrationDocument { Backend = backend, Board = board };

    public void SaveCalibration(CalibrationDocument c)
    {
        _calibration.Upsert(Wrap(CalibrationKey(c.Backend, c.Board), c, CalibrationDocument.SchemaVersion));
        _db.Checkpoint();
    }

    public (int Evaluations, int Designs, int Measurements) CacheSizes() => (_evaluations.Count(), _designs.Count(), _measurements.Count());

    public void Dispose()
    {
        try { _db.Checkpoint(); } catch (LiteException) { }
        _db.Dispose();
        _lock.Dispose();
    }
}
