using System.Text.Json;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;

namespace Hass.Engine.Files;

/// <summary>
/// The checks every HASS input file gets beyond what System.Text.Json's parser does: a size limit (so
/// <c>/dev/zero</c> or a 50 MB file is refused, not read into memory), strict UTF-8, and no field given twice
/// (names compare case-insensitively, as HASS files match them), no string that is not valid Unicode (a lone
/// UTF-16 surrogate such as <c>\ud800</c>) and no control character in any string or field name.
/// </summary>
public static class StrictJson
{
    public static JsonDocumentOptions DocumentOptions { get; } = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 64 };

    /// <summary>
    /// Reads a text file of at most <paramref name="maxBytes"/> bytes (<see cref="HassJson.ReadText"/>: regular files
    /// only, never opened when too large, strict UTF-8); throws <see cref="InvalidDataException"/> saying why not.
    /// </summary>
    public static string ReadText(string path, int maxBytes)
    {
        try { return HassJson.ReadText(path, maxBytes); }
        catch (InputFileException e) { throw new InvalidDataException(e.Problem); }
    }

    /// <summary>
    /// Reads one HASS record file: <see cref="ReadText"/>, then the parser, <see cref="Check"/>, no field the record
    /// does not have (for object records), and the deserializer. Throws <see cref="InvalidDataException"/> with
    /// every problem, each naming its field, in one line.
    /// </summary>
    public static T ReadRecord<T>(string path, int maxBytes) where T : class
    {
        var text = ReadText(path, maxBytes);
        try
        {
            using var doc = JsonDocument.Parse(text, DocumentOptions);
            var info = HassJson.Options.GetTypeInfo(typeof(T));
            var problems = Check(doc.RootElement).ToList();
            if (info.Kind == System.Text.Json.Serialization.Metadata.JsonTypeInfoKind.Object)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the top level must be a JSON object");
                var known = info.Properties.Select(p => p.Name).ToArray();
                problems.AddRange(doc.RootElement.EnumerateObject().Where(p => !known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    .Select(p => $"{Printable(p.Name)}: unknown field; known fields: {string.Join(", ", known)}"));
            }
            if (problems.Count > 0) throw new InvalidDataException(string.Join("; ", problems));
            return doc.RootElement.Deserialize<T>(HassJson.Options) ?? throw new InvalidDataException("is empty (null)");
        }
        catch (JsonException e)
        {
            var problem = new InvalidDataException(Describe(e));
            if (FieldOf(e) is { } field) problem.Data[FieldKey] = field;
            throw problem;
        }
    }

    /// <summary>
    /// Reads one HASS configuration file (a board file): <see cref="ReadText"/>, the parser, <see cref="Check"/>, then
    /// <see cref="ConfigJson.Read{T}"/>. Throws <see cref="InvalidDataException"/> with every problem, each starting
    /// with its JSON path ("$.dsp: must be …"), in one line.
    /// </summary>
    public static T ReadConfig<T>(string path, int maxBytes) where T : class
    {
        var text = ReadText(path, maxBytes);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(text, DocumentOptions); }
        catch (JsonException e) { throw new InvalidDataException(Describe(e)); }
        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException("the top level must be a JSON object");
            var problems = Check(doc.RootElement).Select(AsJsonPath).ToList();
            var value = problems.Count == 0 ? ConfigJson.Read<T>(doc.RootElement, "$", problems) : null;
            return value ?? throw new InvalidDataException(string.Join("; ", problems));
        }
    }

    /// <summary>A <see cref="Check"/> problem with a JSON path: "model: …" → "$.model: …", "(top level): …" → "$: …".</summary>
    public static string AsJsonPath(string problem) =>
        problem.StartsWith("(top level)", StringComparison.Ordinal) ? "$" + problem["(top level)".Length..]
        : problem.StartsWith('…') ? problem : "$." + problem;

    /// <summary>Key of <see cref="Exception.Data"/> holding the JSON path of a <see cref="ReadRecord{T}"/> problem, when it has one.</summary>
    public const string FieldKey = "jsonField";

    private static string? FieldOf(JsonException e) => e.Path is { Length: > 1 } p ? p.TrimStart('$', '.') : null;

    /// <summary>A parser or deserializer error as one line naming the field (without .NET type names).</summary>
    public static string Describe(JsonException e)
    {
        var where = FieldOf(e) is { } field ? $"{field}: " : "";
        var line = e.LineNumber is { } n ? $" (line {n + 1})" : "";
        var message = e.Message.Split(" Path:")[0].Split(" LineNumber:")[0].Trim();
        if (message.Contains("could not be converted", StringComparison.Ordinal)) message = "has the wrong type or an out-of-range value";
        if (message.Split("missing required properties including: ") is [_, var missing]) message = "missing required fields: " + missing.TrimEnd('.');
        if (message.StartsWith("The input does not contain any JSON tokens", StringComparison.Ordinal)) message = "holds no JSON, only white space";
        message = System.Text.RegularExpressions.Regex.Replace(message, @"'?\b(System|Hass)\.[\w.`\[\], ]+'?", "the expected type");
        message = string.Concat(message.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
        if (message.Length > 200) message = message[..200] + "…";
        return $"{where}{message}{line}";
    }


    /// <summary>Every duplicated field and invalid string in the document, each prefixed with its JSON path (at most 20).</summary>
    public static IReadOnlyList<string> Check(JsonElement root)
    {
        var problems = new List<string>();
        Walk(root, "", problems);
        return problems.Count > 20 ? [.. problems.Take(20), $"… and {problems.Count - 20} more problems of the same kinds"] : problems;
    }

    private static void Walk(JsonElement e, string path, List<string> problems)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                foreach (var p in e.EnumerateObject())
                {
                    var name = ReadString(() => p.Name, Here(path), "a field name", problems);
                    if (name is null) continue;
                    var child = Join(path, name);
                    if (!seen.TryAdd(name, name))
                    {
                        var alias = seen[name] == name ? "" : $" (as '{Printable(seen[name])}' and '{Printable(name)}'; names are matched ignoring case)";
                        problems.Add($"{child}: given twice{alias}; keep one");
                    }
                    Walk(p.Value, child, problems);
                }
                break;
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in e.EnumerateArray()) Walk(item, $"{path}[{i++}]", problems);
                break;
            case JsonValueKind.String:
                ReadString(() => e.GetString()!, Here(path), "the value", problems);
                break;
        }
    }

    private static string? ReadString(Func<string> read, string where, string what, List<string> problems)
    {
        string text;
        try { text = read(); }
        catch (InvalidOperationException)
        {
            problems.Add($"{where}: {what} is not valid Unicode text (it contains a lone UTF-16 surrogate such as \\ud800)");
            return null;
        }
        if (text.Any(char.IsControl))
        {
            problems.Add($"{where}: {what} contains a control character (such as a line break or tab); remove it");
            return null;
        }
        return text;
    }

    private static string Here(string path) => path.Length == 0 ? "(top level)" : path;

    public static string Join(string path, string name) => path.Length == 0 ? Printable(name) : path + "." + Printable(name);

    /// <summary>A name as shown in a one-line message (<see cref="ConfigText.Printable"/>).</summary>
    public static string Printable(string name) => ConfigText.Printable(name);
}
