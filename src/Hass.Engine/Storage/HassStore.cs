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
    private readonly bool _readOnly;
    private readonly bool _created;
    private bool _removeIfUnused;
    private volatile bool _writeFailed;
    /// <summary>Parallel trials write cache entries from their own threads: one reader or writer at a time.</summary>
    private readonly object _gate = new();
    private readonly ILiteCollection<BsonDocument> _campaigns, _trials, _evaluations, _designs, _measurements, _calibration, _meta;

    public string Path { get; }

    /// <summary>
    /// Raised on the writer's thread after a campaign or trial was saved (the live dashboard listens).
    /// Handlers must return quickly: the trial loop waits for them.
    /// </summary>
    public event Action<StoreChange>? Changed;

    private HassStore(string path, StoreLock storeLock, LiteDatabase db, bool readOnly, bool created)
    {
        Path = path;
        _created = created;
        _lock = storeLock;
        _db = db;
        _readOnly = readOnly;
        _campaigns = db.GetCollection("campaigns");
        _trials = db.GetCollection("trials");
        _evaluations = db.GetCollection("evaluations");
        _designs = db.GetCollection("designs");
        _measurements = db.GetCollection("measurements");
        _calibration = db.GetCollection("calibration");
        _meta = db.GetCollection("meta");
    }

    /// <summary>
    /// Opens a store (see <see cref="StoreAccess"/>); throws <see cref="StoreInUseException"/>, or
    /// <see cref="StoreException"/> when it is missing, damaged, foreign, newer, or cannot be written.
    /// </summary>
    public static HassStore Open(string path, StoreAccess access = StoreAccess.Create)
    {
        path = StoreFile.Follow(System.IO.Path.GetFullPath(path));
        var (db, storeLock, created) = StoreOpener.Open(path, access);
        var store = new HassStore(path, storeLock, db, access == StoreAccess.Read, created);
        if (access != StoreAccess.Read)
            store.Write(() => store._trials.EnsureIndex("campaign"));
        return store;
    }

    /// <summary>A store this open created and that holds nothing when closed (its command failed first) is removed with its log.</summary>
    public HassStore RemoveIfClosedUnused()
    {
        _removeIfUnused = true;
        return this;
    }

    /// <summary>Opens an existing store for writing, or (when <paramref name="createIfMissing"/>) creates it where nothing is.</summary>
    public static HassStore Open(string path, bool createIfMissing) => Open(path, createIfMissing ? StoreAccess.Create : StoreAccess.Write);

    private T Read<T>(Func<T> read)
    {
        lock (_gate) return StoreOpener.Guarded(Path, read);
    }

    /// <summary>Runs a write; a full or read-only disk is reported as the store that cannot be written.</summary>
    private void Write(Action write)
    {
        if (_readOnly) throw new InvalidOperationException("the store was opened read-only");
        try
        {
            lock (_gate) write();
        }
        // A file-size limit (EFBIG) reaches us from FileStream.SetLength as ArgumentOutOfRangeException.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or LiteException or ArgumentOutOfRangeException)
        {
            _writeFailed = true;
            var reason = e is ArgumentOutOfRangeException ? "the file size limit was reached" : e.Message.TrimEnd('.');
            throw new StoreException($"store {Path} cannot be written ({reason}); free space or fix the folder's permissions, then run the same command again — everything saved before is kept", e);
        }
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
        RequireKnownSchema(doc, collection, knownSchema);
        return HassJson.Deserialize<T>(doc["json"].AsString);
    }

    private void RequireKnownSchema(BsonDocument doc, string collection, int knownSchema)
    {
        var schema = doc.TryGetValue("schema", out var s) ? s.AsInt32 : 0;
        if (schema > knownSchema)
            throw new StoreSchemaException($"store {Path}: a document in '{collection}' has schema {schema}, newer than this hass understands ({knownSchema}); use a newer hass");
    }

    /// <summary>Makes everything written so far durable in the data file.</summary>
    public void Checkpoint() => Write(() => _db.Checkpoint());

    // ---- campaigns ---------------------------------------------------------------------------------

    public CampaignDocument? GetCampaign(string name) => Read(() =>
        _campaigns.FindById(name) is { } d ? Unwrap<CampaignDocument>(d, "campaigns", CampaignDocument.SchemaVersion) : null);

    public IReadOnlyList<CampaignDocument> Campaigns() => Read(() =>
        _campaigns.FindAll().Select(d => Unwrap<CampaignDocument>(d, "campaigns", CampaignDocument.SchemaVersion)).OrderBy(c => c.CreatedAt).ToList());

    public void SaveCampaign(CampaignDocument campaign) => Write(() =>
    {
        var stamped = campaign with { UpdatedAt = DateTimeOffset.UtcNow };
        _campaigns.Upsert(Wrap(campaign.Name, stamped, CampaignDocument.SchemaVersion, d => d["warmStartKey"] = campaign.WarmStartKey));
        _db.Checkpoint();
        Changed?.Invoke(new StoreChange(campaign.Name, stamped, null));
    });

    // ---- trials ------------------------------------------------------------------------------------

    private static string TrialId(string campaign, int number) => $"{campaign}/{number:D6}";

    public IReadOnlyList<TrialRecord> Trials(string campaign) => Read(() =>
        _trials.Find(Query.EQ("campaign", campaign))
            .Select(d => Unwrap<TrialRecord>(d, "trials", TrialRecord.SchemaVersion))
            .OrderBy(t => t.Number).ToList());

    public TrialRecord? GetTrial(string campaign, int number) => Read(() =>
        _trials.FindById(TrialId(campaign, number)) is { } d ? Unwrap<TrialRecord>(d, "trials", TrialRecord.SchemaVersion) : null);

    public int TrialCount(string campaign) => Read(() => _trials.Count(Query.EQ("campaign", campaign)));

    /// <summary>Writes (or replaces) a trial and checkpoints, so a completed trial survives a kill.</summary>
    public void SaveTrial(TrialRecord trial) => Write(() =>
    {
        _trials.Upsert(Wrap(TrialId(trial.Campaign, trial.Number), trial, TrialRecord.SchemaVersion, d =>
        {
            d["campaign"] = trial.Campaign;
            d["number"] = trial.Number;
            d["state"] = trial.State.ToString();
            d["feasible"] = trial.Feasible;
        }));
        _db.Checkpoint();
        Changed?.Invoke(new StoreChange(trial.Campaign, null, trial));
    });

    /// <summary>Feasible completed trials of other campaigns with the same warm-start key, any order.</summary>
    public IEnumerable<TrialRecord> WarmStartCandidates(string warmStartKey, string excludeCampaign) => Read(() =>
    {
        var campaigns = _campaigns.Find(Query.EQ("warmStartKey", warmStartKey))
            .Select(d => d["_id"].AsString).Where(n => n != excludeCampaign).ToList();
        return campaigns.SelectMany(c => _trials.Find(Query.And(Query.EQ("campaign", c), Query.EQ("feasible", true))))
            .Select(d => Unwrap<TrialRecord>(d, "trials", TrialRecord.SchemaVersion)).ToList();
    });

    // ---- caches ------------------------------------------------------------------------------------

    public EvaluationOutcome? GetEvaluation(string key) => Read(() =>
    {
        if (_evaluations.FindById(key) is not { } d) return null;
        RequireKnownSchema(d, "evaluations", EvaluationDocuments.SchemaVersion);
        return EvaluationDocuments.ReadOrMiss(d);
    });

    public void SaveEvaluation(string key, EvaluationOutcome outcome) => Write(() => _evaluations.Upsert(EvaluationDocuments.Wrap(key, outcome)));

    /// <summary>Test hook: stores an evaluation as hass wrote it before the sample images were packed (schema 1, all JSON).</summary>
    internal void SaveEvaluationAsSchema1ForTests(string key, EvaluationOutcome outcome) => Write(() => _evaluations.Upsert(Wrap(key, outcome, 1)));

    public HardwareDesign? GetDesign(string key) => Read(() =>
        _designs.FindById(key) is { } d ? Unwrap<HardwareDesign>(d, "designs", HardwareDesign.SchemaVersion) : null);

    public void SaveDesign(string key, HardwareDesign design) => Write(() => _designs.Upsert(Wrap(key, design, HardwareDesign.SchemaVersion)));

    public static string MeasurementKey(string designHash, string boardId, string firmware) => $"{designHash}|{boardId}|{firmware}";

    public Measurement? GetMeasurement(string designHash, string boardId, string firmware) => Read(() =>
        _measurements.FindById(MeasurementKey(designHash, boardId, firmware)) is { } d
            ? Unwrap<Measurement>(d, "measurements", Measurement.SchemaVersion) : null);

    public IReadOnlyList<Measurement> Measurements() => Read(() =>
        _measurements.FindAll().Select(d => Unwrap<Measurement>(d, "measurements", Measurement.SchemaVersion)).ToList());

    public void SaveMeasurement(Measurement m) => Write(() =>
    {
        _measurements.Upsert(Wrap(MeasurementKey(m.DesignHash, m.BoardId, m.Firmware), m, Measurement.SchemaVersion));
        _db.Checkpoint();
    });

    public static string CalibrationKey(string backend, string board) => $"{backend}|{board}";

    public CalibrationDocument GetCalibration(string backend, string board) => Read(() =>
        _calibration.FindById(CalibrationKey(backend, board)) is { } d
            ? Unwrap<CalibrationDocument>(d, "calibration", CalibrationDocument.SchemaVersion)
            : new CalibrationDocument { Backend = backend, Board = board });

    public void SaveCalibration(CalibrationDocument c) => Write(() =>
    {
        _calibration.Upsert(Wrap(CalibrationKey(c.Backend, c.Board), c, CalibrationDocument.SchemaVersion));
        _db.Checkpoint();
    });

    public (int Evaluations, int Designs, int Measurements) CacheSizes() => Read(() => (_evaluations.Count(), _designs.Count(), _measurements.Count()));

    public void Dispose()
    {
        try
        {
            var remove = _removeIfUnused && _created && !_writeFailed && IsUnused();
            // After a failed write LiteDB keeps the failed transaction's lock: a checkpoint would wait its full timeout (a
            // minute) for it, or throw on the thread that holds it. What was committed before stays in the log for the next open.
            if (!_readOnly && !_writeFailed) _db.Checkpoint();
            _db.Dispose();
            if (remove) StoreFile.Remove(Path);   // the lock is still held: no other process can have opened it
        }
        // Closing must not throw: it runs while the error of a failed write (full disk, size limit) is on its way out.
        catch (Exception e) when (e is LiteException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException) { }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>Nothing but the schema record; a store that cannot even be counted is kept.</summary>
    private bool IsUnused()
    {
        try { return new[] { _campaigns, _trials, _evaluations, _designs, _measurements, _calibration }.All(c => c.Count() == 0); }
        catch (LiteException) { return false; }
    }
}
