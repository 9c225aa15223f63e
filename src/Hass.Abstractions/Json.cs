using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hass.Abstractions;

/// <summary>The one JSON convention of every HASS file: camelCase, enums as strings, indented on disk.</summary>
public static class HassJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: true);
    public static JsonSerializerOptions Compact { get; } = Create(indented: false);

    private static JsonSerializerOptions Create(bool indented)
    {
        var o = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DictionaryKeyPolicy = null,
            WriteIndented = indented,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNameCaseInsensitive = true,
        };
        o.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase));
        o.MakeReadOnly(populateMissingResolver: true);
        return o;
    }

    public static string Serialize<T>(T value, bool indented = false) => JsonSerializer.Serialize(value, indented ? Options : Compact);
    public static T Deserialize<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException($"expected a {typeof(T).Name}, got null");
    /// <summary>Reads and deserializes a JSON file of at most <see cref="MaxFileBytes"/> (see <see cref="ReadText"/>).</summary>
    public static T ReadFile<T>(string path) => Deserialize<T>(ReadText(path));

    /// <summary>The largest JSON file hass reads by default (16 MiB: the biggest profiles of the model zoo fit many times over).</summary>
    public const long MaxFileBytes = 16L << 20;

    /// <summary>
    /// Reads a UTF-8 text file of at most <paramref name="maxBytes"/> (checked as <see cref="InputFile.ReadBytes"/>
    /// does); text that is not valid UTF-8 is refused with an <see cref="InputFileException"/> naming it.
    /// </summary>
    public static string ReadText(string path, long maxBytes = MaxFileBytes)
    {
        var bytes = InputFile.ReadBytes(path, maxBytes);
        try
        {
            var text = StrictUtf8.GetString(bytes);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException e)
        {
            throw new InputFileException(path, $"is not UTF-8 text (invalid byte at offset {e.Index}); save it as UTF-8");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static void WriteFile<T>(string path, T value)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir is not null) Directory.CreateDirectory(dir);
        File.WriteAllText(path, Serialize(value, indented: true) + "\n");
    }
}

/// <summary>An input file hass cannot read as asked: missing, empty, not a regular file, or too large (bad input).</summary>
public sealed class InputFileException(string path, string problem) : IOException($"{path}: {problem}")
{
    public string FilePath { get; } = path;
    public string Problem { get; } = problem;
}

public static class Hashing
{
    public static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    public static string Sha256Hex(ReadOnlySpan<byte> data) => Convert.ToHexStringLower(SHA256.HashData(data));
    public static string FileSha256(string path)
    {
        using var s = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(s));
    }
}
