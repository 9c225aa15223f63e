using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Hass.Engine.Tests;

/// <summary>
/// Seeded random mutations of a valid JSON file for the reader fuzz tests: fields deleted, duplicated (same or
/// other case), renamed, given values of the wrong type or out of range, deep nesting, truncation, stray and
/// invalid UTF-8 bytes. Each mutation says what it did, so a failure can be reproduced from its description.
/// </summary>
public sealed class JsonMutator(int seed)
{
    private readonly Random _random = new(seed);

    private static readonly string[] OddValues =
    [
        "null", "true", "false", "\"abc\"", "\"\"", "0", "-1", "1.5", "1e308", "-1e308", "99999999999999999999", "1e-320",
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"\\ud800\"", "\"x\\u0000y\"", "\"line\\nbreak\"", "[]", "{}", "[1, 2]",
        "{ \"a\": 1 }", "\"99999999999h\"", "\"1e308s\"", "2147483648", "-2147483649", "\"" + new string('z', 5000) + "\"",
        string.Concat(Enumerable.Repeat("[", 70)) + string.Concat(Enumerable.Repeat("]", 70)),
        string.Concat(Enumerable.Repeat("{\"a\":", 30)) + "1" + string.Concat(Enumerable.Repeat("}", 30)),
    ];

    public (byte[] Bytes, string Description) Mutate(string json)
    {
        var kind = _random.Next(9);
        return kind switch
        {
            0 => Structural(json, "delete a field", (o, key) => o.Remove(key)),
            1 => Structural(json, "rename a field", (o, key) => { var v = o[key]; o.Remove(key); o[RandomName()] = v; }),
            2 => Structural(json, "change a field's case", (o, key) => { var v = o[key]?.DeepClone(); o[key.ToUpperInvariant() == key ? key.ToLowerInvariant() : key.ToUpperInvariant()] = v; }),
            3 => OddValue(json),
            4 => Text(DuplicateKey(json), "duplicate a key"),
            5 => Truncate(json),
            6 => Bytes(json),
            7 => Text("{ \"wrap\": " + json + " }", "nest the document"),
            _ => Text(ReplaceValue(json), "replace a value in the text"),
        };
    }

    /// <summary>An odd value put in as text (JsonNode cannot hold lone surrogates or 70 levels of nesting).</summary>
    private (byte[], string) OddValue(string json)
    {
        var odd = OddValues[_random.Next(OddValues.Length)];
        var (bytes, what) = Structural(json, "odd value", (o, key) => o[key] = Placeholder);
        return Text(Encoding.UTF8.GetString(bytes).Replace($"\"{Placeholder}\"", odd), $"{what} = {odd[..Math.Min(odd.Length, 20)]}");
    }

    private const string Placeholder = "@@odd@@";

    private (byte[], string) Text(string text, string what) => (Encoding.UTF8.GetBytes(text), what);

    private (byte[], string) Structural(string json, string what, Action<JsonObject, string> edit)
    {
        var root = JsonNode.Parse(json, documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true })!.AsObject();
        var objects = new List<JsonObject>();
        Collect(root, objects);
        var target = objects[_random.Next(objects.Count)];
        if (target.Count == 0) return Text(root.ToJsonString(), what + " (empty object)");
        var key = target.ElementAt(_random.Next(target.Count)).Key;
        edit(target, key);
        return Text(root.ToJsonString(), $"{what}: '{key}'");
    }

    private static void Collect(JsonNode? node, List<JsonObject> into)
    {
        if (node is JsonObject o) { into.Add(o); foreach (var (_, v) in o) Collect(v, into); }
        else if (node is JsonArray a) foreach (var v in a) Collect(v, into);
    }

    private string DuplicateKey(string json)
    {
        var keys = Regex.Matches(json, "\"(\\w+)\"\\s*:").ToList();
        var m = keys[_random.Next(keys.Count)];
        var name = _random.Next(2) == 0 ? m.Groups[1].Value : m.Groups[1].Value.ToUpperInvariant();
        return json.Insert(m.Index, $"\"{name}\": {OddValues[_random.Next(6)]}, ");
    }

    private string ReplaceValue(string json)
    {
        var values = Regex.Matches(json, ":\\s*(\"[^\"]*\"|-?[0-9.eE+-]+|true|false|null)").ToList();
        var m = values[_random.Next(values.Count)].Groups[1];
        return json[..m.Index] + OddValues[_random.Next(OddValues.Length)] + json[(m.Index + m.Length)..];
    }

    private (byte[], string) Truncate(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var n = _random.Next(bytes.Length);
        return (bytes[..n], $"truncate at byte {n}");
    }

    private (byte[], string) Bytes(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json).ToList();
        var at = _random.Next(bytes.Count);
        byte[][] inserts = [[0xFF], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0x00], [0xC0, 0xAF], [0xEF, 0xBB, 0xBF]];
        var insert = inserts[_random.Next(inserts.Length)];
        bytes.InsertRange(at, insert);
        return ([.. bytes], $"insert bytes {Convert.ToHexString(insert)} at {at}");
    }

    private string RandomName()
    {
        const string letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-é";
        return new string(Enumerable.Range(0, 1 + _random.Next(12)).Select(_ => letters[_random.Next(letters.Length)]).ToArray());
    }
}
