using System.Text.Json;
using Hass.Abstractions;
using Hass.Engine.Boards;
using Hass.Engine.Files;
using Hass.Engine.Plugins;

namespace Hass.Engine.Campaigns;

/// <summary>Reads campaign files and validates them against the loaded components and the board library.</summary>
public static class CampaignLoader
{
    public static CampaignSpec Load(string path, CampaignOverrides? overrides = null)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
            throw new CampaignException(path, [$"file not found; give the path of a campaign JSON file (see examples/)"]);
        string text;
        try { text = StrictJson.ReadText(path, CampaignLimits.MaxFileBytes); }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            throw new CampaignException(path, [e is InvalidDataException ? e.Message : $"cannot be read: {e.Message}"]);
        }
        return Parse(text, path, overrides, Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses campaign JSON; throws <see cref="CampaignException"/> listing every problem with its field path.</summary>
    public static CampaignSpec Parse(string json, string source, CampaignOverrides? overrides = null, string? defaultName = null)
    {
        if (json.Length > CampaignLimits.MaxFileBytes)
            throw new CampaignException(source, [$"is larger than {CampaignLimits.MaxFileBytes >> 20} MiB; a campaign file is at most that size"]);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, StrictJson.DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new CampaignException(source, [$"is not valid JSON: {StrictJson.Describe(e)}"]);
        }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CampaignException(source, ["the top level must be a JSON object"]);
            if (StrictJson.Check(doc.RootElement) is { Count: > 0 } textProblems)
                throw new CampaignException(source, textProblems);
            var errors = new List<string>();
            var r = new JsonFieldReader(doc.RootElement, "", errors);

            r.Int("schema", 1, CampaignSpec.SchemaVersion);
            var name = r.String("name") ?? defaultName ?? "";
            if (overrides?.Name is null && string.IsNullOrWhiteSpace(name)) r.Error("name", "is required");
            var model = r.String("model", required: true);
            var checkpoint = r.String("checkpoint");
            var evaluator = r.String("evaluator");
            var dataset = ReadDataset(r, errors);
            var pruning = ReadChoice(r, "pruning", "settings");
            var backend = ReadBackend(r, errors);
            var board = r.String("board", required: overrides?.Board is null);
            var strategy = ReadChoice(r, "strategy", "settings");
            var objective = ReadObjective(r);
            var budget = ReadBudget(r);
            var seed = r.Int("seed", CampaignLimits.MinSeed, CampaignLimits.MaxSeed);
            var warmStart = r.Bool("warmStart");
            var earlyStop = ReadEarlyStop(r);
            var maxFailures = r.Int("maxConsecutiveFailures", 1, 1000);
            var measure = ReadMeasure(r);
            var final = ReadFinal(r);
            r.RejectUnknown();

            if (errors.Count > 0) throw new CampaignException(source, errors);
            var spec = new CampaignSpec
            {
                Name = name, Model = model!, Checkpoint = checkpoint, Evaluator = evaluator, Dataset = dataset,
                Pruning = pruning!, Backend = backend!, Board = board ?? "", Strategy = strategy!,
                Objective = objective, Budget = budget, Seed = seed ?? 0, WarmStart = warmStart ?? true,
                EarlyStop = earlyStop, MaxConsecutiveFailures = maxFailures ?? 5, Measure = measure, Final = final,
            };
            spec = overrides?.ApplyTo(spec) ?? spec;
            var late = CampaignLimits.Check(spec, overrides).ToList();
            if (!IsValidName(spec.Name)) late.Add($"name: '{spec.Name}' must be 1-64 characters of letters, digits, '-', '_' or '.', not starting with '.' (it names the report folder)");
            if (late.Count > 0) throw new CampaignException(source, late);
            return spec;
        }
    }

    /// <summary>A campaign name is a safe file name: it becomes the folder reports/&lt;name&gt;/.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    private static DatasetSpec ReadDataset(JsonFieldReader r, List<string> errors)
    {
        var d = new DatasetSpec();
        if (r.KindOf("dataset") == JsonValueKind.String) return d with { Name = r.String("dataset")! };
        var o = r.Object("dataset");
        if (o is null) return d;
        d = new DatasetSpec
        {
            Name = o.String("name") ?? d.Name,
            Path = o.String("path"),
            SearchImages = o.Int("searchImages", 1, 10_000_000) ?? d.SearchImages,
            CalibrationImages = o.Int("calibrationImages", 1, 10_000_000) ?? d.CalibrationImages,
            TestImages = o.Int("testImages", 1, 10_000_000),
        };
        o.RejectUnknown();
        return d;
    }

    /// <summary>Either "name" or { "name": ..., "settings": {...} }.</summary>
    private static ComponentChoice? ReadChoice(JsonFieldReader r, string field, string settingsField)
    {
        if (r.KindOf(field) == JsonValueKind.String)
        {
            var s = r.String(field, required: true);
            return s is null ? null : new ComponentChoice { Name = s, Settings = EmptyObject() };
        }
        var o = r.Object(field);
        if (o is null)
        {
            if (!r.Has(field)) r.Error(field, "is required");
            return null;
        }
        var name = o.String("name", required: true);
        var settings = o.Raw(settingsField);
        if (settings is { ValueKind: not JsonValueKind.Object }) o.Error(settingsField, "must be an object");
        o.RejectUnknown();
        return name is null ? null : new ComponentChoice { Name = name, Settings = settings ?? EmptyObject() };
    }

    private static BackendChoice? ReadBackend(JsonFieldReader r, List<string> errors)
    {
        if (r.KindOf("backend") == JsonValueKind.String)
        {
            var s = r.String("backend", required: true);
            return s is null ? null : new BackendChoice { Name = s };
        }
        var o = r.Object("backend");
        if (o is null)
        {
            if (!r.Has("backend")) r.Error("backend", "is required");
            return null;
        }
        var name = o.String("name", required: true);
        var options = new DesignOptions();
        var opt = o.Object("options");
        if (opt is not null)
        {
            options = new DesignOptions
            {
                ResourceAllocation = opt.Number("resourceAllocation", 0, 1, minExclusive: true) ?? options.ResourceAllocation,
                RamAllocation = opt.Number("ramAllocation", 0, 1, minExclusive: true) ?? options.RamAllocation,
                BatchSize = opt.Int("batchSize", 1, 1 << 20) ?? options.BatchSize,
                Anneal = opt.Bool("anneal") ?? options.Anneal,
                AllowPartitions = opt.Bool("allowPartitions") ?? options.AllowPartitions,
                AllowWeightsReloading = opt.Bool("allowWeightsReloading") ?? options.AllowWeightsReloading,
                DenseBelowSparsity = opt.Number("denseBelowSparsity", 0, 1) ?? options.DenseBelowSparsity,
                SparseCycles = SparseCyclesOption(opt) ?? options.SparseCycles,
                SkipAllZeroWindows = opt.Bool("skipAllZeroWindows") ?? options.SkipAllZeroWindows,
                PointwiseClusters = opt.Int("pointwiseClusters", 1, 1 << 16) ?? options.PointwiseClusters,
                LutramMaxDepth = opt.Int("lutramMaxDepth", 0, 1 << 20) ?? options.LutramMaxDepth,
                UramMinBram18 = opt.Int("uramMinBram18", 1, 1 << 20) ?? options.UramMinBram18,
            };
            opt.RejectUnknown();
        }
        o.RejectUnknown();
        return name is null ? null : new BackendChoice { Name = name, Options = options };
    }

    private static string? SparseCyclesOption(JsonFieldReader opt)
    {
        var text = opt.String("sparseCycles");
        if (text is null || text is DesignOptions.LaneMaxCycles or DesignOptions.AverageCycles) return text;
        opt.Error("sparseCycles", $"'{text}' is not a sparse cycle figure; use {DesignOptions.LaneMaxCycles} or {DesignOptions.AverageCycles}");
        return null;
    }

    private static ObjectiveSpec ReadObjective(JsonFieldReader r)
    {
        var o = r.Object("objective");
        if (o is null) return new ObjectiveSpec();
        var metricText = o.String("metric");
        ObjectiveMetric metric = ObjectiveMetric.Throughput;
        if (metricText is not null && !TryParseMetric(metricText, out metric))
            o.Error("metric", $"'{metricText}' is not a metric; use throughput, gops-per-dsp, latency or multi");
        var tolerance = o.Number("toleranceTop1", 0, 100) ?? 1.0;
        ObjectiveDirection? direction = null;
        var dirText = o.String("direction");
        if (dirText is not null)
        {
            direction = dirText.ToLowerInvariant() switch { "maximize" or "maximise" or "max" => ObjectiveDirection.Maximize, "minimize" or "minimise" or "min" => ObjectiveDirection.Minimize, _ => null };
            if (direction is null) o.Error("direction", $"'{dirText}' must be maximize or minimize");
            else if (direction != CampaignSpec.NaturalDirection(metric))
                o.Error("direction", $"metric '{MetricName(metric)}' can only be {CampaignSpec.NaturalDirection(metric).ToString().ToLowerInvariant()}d; remove direction or set it to {CampaignSpec.NaturalDirection(metric).ToString().ToLowerInvariant()}");
        }
        o.RejectUnknown();
        return new ObjectiveSpec { Metric = metric, ToleranceTop1 = tolerance, Direction = direction };
    }

    public static bool TryParseMetric(string text, out ObjectiveMetric metric)
    {
        switch (text.ToLowerInvariant())
        {
            case "throughput": metric = ObjectiveMetric.Throughput; return true;
            case "gops-per-dsp" or "gopsperdsp": metric = ObjectiveMetric.GopsPerDsp; return true;
            case "latency": metric = ObjectiveMetric.Latency; return true;
            case "multi": metric = ObjectiveMetric.Multi; return true;
            default: metric = default; return false;
        }
    }

    public static string MetricName(ObjectiveMetric m) => m switch
    {
        ObjectiveMetric.GopsPerDsp => "gops-per-dsp",
        _ => m.ToString().ToLowerInvariant(),
    };

    private static BudgetSpec ReadBudget(JsonFieldReader r)
    {
        var o = r.Object("budget");
        if (o is null) return new BudgetSpec();
        var b = new BudgetSpec { Trials = o.Int("trials", CampaignLimits.MinTrials, CampaignLimits.MaxTrials), WallTime = o.Duration("wallTime", CampaignLimits.MaxWallTime) };
        o.RejectUnknown();
        return b;
    }

    private static EarlyStopSpec ReadEarlyStop(JsonFieldReader r)
    {
        var e = new EarlyStopSpec();
        if (r.KindOf("earlyStop") is JsonValueKind.True or JsonValueKind.False) return e with { Enabled = r.Bool("earlyStop")!.Value };
        var o = r.Object("earlyStop");
        if (o is null) return e;
        e = new EarlyStopSpec { Enabled = o.Bool("enabled") ?? true, DropFactor = o.Number("dropFactor", 1, 1000) ?? e.DropFactor };
        o.RejectUnknown();
        return e;
    }

    private static Running.FinalSpec ReadFinal(JsonFieldReader r)
    {
        var o = r.Object("final");
        if (o is null) return new Running.FinalSpec();
        var f = new Running.FinalSpec { Enabled = o.Bool("enabled") ?? true, UniformBaselineTrials = o.Int("uniformBaselineTrials", 0, 10_000) ?? 0,
                                         PickMargin = o.Number("pickMargin", 0, 100) ?? 0 };
        o.RejectUnknown();
        return f;
    }

    private static MeasureSpec? ReadMeasure(JsonFieldReader r)
    {
        var o = r.Object("measure");
        if (o is null) return null;
        var link = o.String("link", required: true);
        if (link is not null && !(link.StartsWith("serial:", StringComparison.Ordinal) || link.StartsWith("tcp:", StringComparison.Ordinal)))
            o.Error("link", $"'{link}' must look like serial:/dev/ttyUSB0@921600 or tcp:host:port");
        var designs = new MeasureDesigns { TopK = 3 };
        var d = o.Object("designs");
        if (d is not null)
        {
            designs = new MeasureDesigns { TopK = d.Int("topK", 0, 1000) ?? 0, EveryN = d.Int("everyN", 0, 1_000_000) ?? 0 };
            if (designs.TopK == 0 && designs.EveryN == 0) o.Error("designs", "set topK and/or everyN above 0 (or remove the measure section)");
            d.RejectUnknown();
        }
        var spec = new MeasureSpec
        {
            Link = link ?? "",
            Designs = designs,
            Repeats = o.Int("repeats", 1, 1000) ?? 5,
            Images = o.Int("images", 1, 1_000_000) ?? 64,
            WarmupImages = o.Int("warmupImages", 0, 1_000_000) ?? 8,
        };
        o.RejectUnknown();
        return spec;
    }

    private static JsonElement EmptyObject()
    {
        using var d = JsonDocument.Parse("{}");
        return d.RootElement.Clone();
    }

    /// <summary>
    /// Checks the names against what is loaded: model/evaluator, pruning, backend, strategy, board, and that a
    /// measurer exists when the campaign measures. Throws <see cref="CampaignException"/> listing every problem.
    /// </summary>
    public static void Validate(CampaignSpec spec, string source, HassComponents components, BoardLibrary boards, bool measurerAvailable)
    {
        var errors = new List<string>();
        void CheckName(ComponentKind kind, string field, string name)
        {
            var names = components.Names(kind);
            if (!names.Contains(name))
                errors.Add($"{field}: unknown {kind.ToString().ToLowerInvariant()} '{name}'; available: {List(names)}");
        }

        CheckName(ComponentKind.Pruning, "pruning.name", spec.Pruning.Name);
        CheckName(ComponentKind.Backend, "backend.name", spec.Backend.Name);
        CheckName(ComponentKind.Search, "strategy.name", spec.Strategy.Name);

        if (spec.Evaluator is not null) CheckName(ComponentKind.Evaluator, "evaluator", spec.Evaluator);
        if (spec.Evaluator is null || components.Names(ComponentKind.Evaluator).Contains(spec.Evaluator))
        {
            if (components.FindEvaluatorFactory(spec.Model, spec.Evaluator) is null)
            {
                var models = components.Names(ComponentKind.Model);
                var evaluators = components.Names(ComponentKind.Evaluator);
                errors.Add(evaluators.Count == 0
                    ? $"model: no evaluator is loaded that can evaluate '{spec.Model}' (no component of kind evaluator); check the plugin folders (hass plugins)"
                    : $"model: unknown model '{spec.Model}' (no evaluator supports it); available models: {List(models)}");
            }
        }

        if (!boards.TryGet(spec.Board, out _))
            errors.Add($"board: unknown board '{spec.Board}'; available: {List(boards.Names)} (board files are read from {string.Join(", ", boards.Folders)})");

        if (spec.Objective.Metric == ObjectiveMetric.Multi && components.FindStrategy(spec.Strategy.Name) is { MultiObjective: false })
            errors.Add($"objective.metric: 'multi' needs a multi-objective strategy, and '{spec.Strategy.Name}' is not one; available: {List(components.MultiObjectiveStrategies())}");

        ComponentSettingsCheck.Check(spec, components, errors);

        if (spec.Measure is not null && !measurerAvailable)
            errors.Add("measure: this build has no design measurer (board runner) loaded; remove the measure section or install the board runner");

        if (errors.Count > 0) throw new CampaignException(source, errors);
    }

    private static string List(IReadOnlyCollection<string> names) => names.Count == 0 ? "(none loaded)" : string.Join(", ", names.Order(StringComparer.Ordinal));
}
