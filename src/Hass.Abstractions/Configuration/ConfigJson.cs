using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Hass.Abstractions.Configuration;

/// <summary>
/// The reading rules of every HASS configuration record (campaign files, board files, component settings):
/// <see cref="HassJson"/>'s conventions plus unmapped members refused, nullable annotations respected and enums
/// only by name. Problems are reported as "path: message" with a JSON path such as <c>$.budget.trials</c>.
/// </summary>
public static class ConfigJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            PropertyNameCaseInsensitive = true,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            RespectNullableAnnotations = true,
            TypeInfoResolver = new DefaultJsonTypeInfoResolver(),
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        o.MakeReadOnly();
        return o;
    }

    /// <summary>
    /// Reads <paramref name="element"/> as a <typeparamref name="T"/>, adding every problem (unknown members with a
    /// "did you mean" hint, missing required members, wrong types, values out of range, rules of the record) to
    /// <paramref name="problems"/>, each prefixed with its JSON path under <paramref name="rootPath"/>
    /// ("$" for a file, "" for settings the engine prefixes itself). Returns null when there is any problem.
    /// </summary>
    public static T? Read<T>(JsonElement element, string rootPath, ICollection<string> problems) where T : class
    {
        if (ReadShape<T>(element, rootPath, problems) is not { } value) return null;
        var rules = Validate(value, rootPath);
        foreach (var p in rules) problems.Add(p);
        return rules.Count == 0 ? value : null;
    }

    /// <summary>
    /// The first half of <see cref="Read{T}"/>, for callers that complete the record before <see cref="Validate"/>:
    /// members, types and the rules of single values. <paramref name="suppliedElsewhere"/> lists the paths of
    /// required members the caller fills in itself when they are missing (a campaign's name from its file name).
    /// </summary>
    public static T? ReadShape<T>(JsonElement element, string rootPath, ICollection<string> problems, IReadOnlySet<string>? suppliedElsewhere = null)
        where T : class
    {
        var shape = new ConfigShapeCheck(Options, suppliedElsewhere ?? new HashSet<string>());
        shape.Value(element, Options.GetTypeInfo(typeof(T)), null, rootPath);
        if (shape.Problems.Count > 0)
        {
            foreach (var p in shape.Problems) problems.Add(p);
            return null;
        }
        try { return element.Deserialize<T>(Options) ?? throw new JsonException("is empty (null)"); }
        catch (JsonException e)
        {
            problems.Add($"{Where(rootPath)}: {ConfigText.Clean(e.Message)}");
            return null;
        }
    }

    /// <summary>
    /// A component's settings (strategy, pruning criterion) as its settings record: absent or null means every
    /// default. Problems are added keyed by their path inside the settings object ("gamma"; "" for the object
    /// itself), which the engine prefixes with the campaign path ("$.strategy.settings"). Returns the defaults
    /// when there is a problem, so a component can finish configuring and report every problem at once.
    /// </summary>
    public static T ReadSettings<T>(JsonElement settings, ICollection<SettingProblem> problems) where T : class, new()
    {
        var text = new List<string>();
        var value = Read<T>(settings.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? EmptyObject : settings, "", text);
        foreach (var problem in text)
        {
            var split = problem.IndexOf(": ", StringComparison.Ordinal);
            var key = problem[..split];
            problems.Add(new SettingProblem(key == Where("") ? "" : key, problem[(split + 2)..]));
        }
        return value ?? new T();
    }

    private static readonly JsonElement EmptyObject = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Every rule <paramref name="record"/> breaks (ranges, allowed values, cross-member rules), each with its path.</summary>
    public static IReadOnlyList<string> Validate(object record, string rootPath = "$") =>
        new ConfigRuleCheck(Options).Check(record, rootPath);

    /// <summary>The path of a member: "$" + ".budget" = "$.budget"; "" + "gamma" = "gamma".</summary>
    public static string Join(string path, string member) => path.Length == 0 ? ConfigText.Printable(member) : $"{path}.{ConfigText.Printable(member)}";

    internal static string Where(string path) => path.Length == 0 ? "(top level)" : path;

    internal static string Format(object? bound) => bound switch
    {
        double.PositiveInfinity => "∞",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => bound?.ToString() ?? "null",
    };
}
