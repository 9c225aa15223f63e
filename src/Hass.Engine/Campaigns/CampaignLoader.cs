using System.Text.Json;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;
using Hass.Engine.Boards;
using Hass.Engine.Files;
using Hass.Engine.Plugins;
using Hass.Engine.Running;

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

    /// <summary>Parses campaign JSON; throws <see cref="CampaignException"/> listing every problem with its JSON path.</summary>
    public static CampaignSpec Parse(string json, string source, CampaignOverrides? overrides = null, string? defaultName = null)
    {
        if (json.Length > CampaignLimits.MaxFileBytes)
            throw new CampaignException(source, [$"is larger than {CampaignLimits.MaxFileBytes >> 20} MiB; a campaign file is at most that size"]);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, StrictJson.DocumentOptions); }
        catch (JsonException e) { throw new CampaignException(source, [$"is not valid JSON: {StrictJson.Describe(e)}"]); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw new CampaignException(source, ["the top level must be a JSON object"]);
            if (StrictJson.Check(doc.RootElement) is { Count: > 0 } textProblems)
                throw new CampaignException(source, textProblems.Select(StrictJson.AsJsonPath).ToList());
            var supplied = new HashSet<string>();
            if (overrides?.Name is not null || !string.IsNullOrEmpty(defaultName)) supplied.Add("$.name");
            if (overrides?.Board is not null) supplied.Add("$.board");
            var problems = new List<string>();
            var spec = ConfigJson.ReadShape<CampaignSpec>(doc.RootElement, "$", problems, supplied);
            if (spec is null) throw new CampaignException(source, problems);
            var nameFromFile = spec.Name.Length == 0 && overrides?.Name is null;
            if (spec.Name.Length == 0) spec = spec with { Name = defaultName ?? "" };
            spec = overrides?.ApplyTo(spec) ?? spec;
            var late = Rules(spec, overrides)
                .Select(p => nameFromFile && p.StartsWith("$.name:", StringComparison.Ordinal) ? p + "; the file gives no \"name\", so it was taken from the file name: give \"name\" in the file or --name" : p)
                .ToList();
            if (late.Count > 0) throw new CampaignException(source, late);
            return spec;
        }
    }

    /// <summary>The record rules of the whole campaign (ranges, allowed values, rules across fields), naming the option that set a value.</summary>
    private static List<string> Rules(CampaignSpec spec, CampaignOverrides? overrides) =>
        ConfigJson.Validate(spec).Select(p => CampaignLimits.OptionOf(p[..Math.Max(0, p.IndexOf(": ", StringComparison.Ordinal))], overrides) is { } option
            ? $"{p}; set by {option}" : p).ToList();

    /// <summary>A campaign name is a safe file name: it becomes the folder reports/&lt;name&gt;/.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name[0] != '.' && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

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

    /// <summary>
    /// The one validation of a campaign: the record rules (<see cref="ConfigJson.Validate"/>), then the names against
    /// what is loaded — model/evaluator, pruning, backend, strategy, board — the components' own settings checks,
    /// and that a measurer exists when the campaign measures and takes its link. Throws <see cref="CampaignException"/> listing every problem.
    /// </summary>
    public static void Validate(CampaignSpec spec, string source, HassComponents components, BoardLibrary boards, IDesignMeasurer? measurer)
    {
        var errors = Rules(spec, null);
        void CheckName(ComponentKind kind, string field, string name)
        {
            var names = components.Names(kind);
            if (!names.Contains(name))
                errors.Add($"{field}: unknown {kind.ToString().ToLowerInvariant()} '{name}'{Hint(name, names)}; available: {List(names)}");
        }

        CheckName(ComponentKind.Pruning, "$.pruning.name", spec.Pruning.Name);
        CheckName(ComponentKind.Backend, "$.backend.name", spec.Backend.Name);
        CheckName(ComponentKind.Search, "$.strategy.name", spec.Strategy.Name);

        if (spec.Evaluator is not null) CheckName(ComponentKind.Evaluator, "$.evaluator", spec.Evaluator);
        if (spec.Evaluator is null || components.Names(ComponentKind.Evaluator).Contains(spec.Evaluator))
        {
            if (components.FindEvaluatorFactory(spec.Model, spec.Evaluator) is null)
            {
                var models = components.Names(ComponentKind.Model);
                var evaluators = components.Names(ComponentKind.Evaluator);
                errors.Add(evaluators.Count == 0
                    ? $"$.model: no evaluator is loaded that can evaluate '{spec.Model}' (no component of kind evaluator); check the plugin folders (hass plugins)"
                    : $"$.model: unknown model '{spec.Model}' (no evaluator supports it){Hint(spec.Model, models)}; available models: {List(models)}");
            }
        }

        if (!boards.TryGet(spec.Board, out _))
            errors.Add($"$.board: unknown board '{spec.Board}'{Hint(spec.Board, boards.Names)}; available: {List(boards.Names)} (board files are read from {string.Join(", ", boards.Folders)})");

        if (spec.Objective.Metric == ObjectiveMetric.Multi && components.FindStrategy(spec.Strategy.Name) is { MultiObjective: false })
            errors.Add($"$.objective.metric: 'multi' needs a multi-objective strategy, and '{spec.Strategy.Name}' is not one; available: {List(components.MultiObjectiveStrategies())}");

        ComponentSettingsCheck.Check(spec, components, errors);

        if (spec.Measure is not null) CheckMeasureLink(spec.Measure.Link, measurer, errors);

        if (errors.Count > 0) throw new CampaignException(source, errors);
    }

    private static void CheckMeasureLink(string link, IDesignMeasurer? measurer, List<string> errors)
    {
        if (measurer is null)
            errors.Add("$.measure: this build has no design measurer (board runner) loaded; remove the measure section or install the board runner");
        else
            try { measurer.CanonicalLink(link); }
            catch (FormatException e) { errors.Add($"$.measure.link: {e.Message}"); }
    }

    private static string Hint(string name, IReadOnlyCollection<string> names) =>
        ConfigText.Closest(name, names) is { } guess ? $" (did you mean '{guess}'?)" : "";

    private static string List(IReadOnlyCollection<string> names) => names.Count == 0 ? "(none loaded)" : string.Join(", ", names.Order(StringComparer.Ordinal));
}
