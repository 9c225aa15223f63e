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
    /// Reads a UTF-8 text file of at most <paramref name="maxBytes"/>; a symbolic link reads as the file it leads to.
    /// An empty file, and anything that is not a regular file (a device, a pipe: they report no size, so they are
    /// never opened), is refused, and so is a link to nothing, a larger file — also one that grows while it is
    /// read — and text that is not valid UTF-8, with an <see cref="InputFileException"/> naming it.
    /// </summary>
    public static string ReadText(string path, long maxBytes = MaxFileBytes)
    {
        var target = PathTarget.Of(path);
        if (target.Kind == PathKind.Folder) throw new InputFileException(path, "is a folder, not a file");
        if (target.Kind == PathKind.Missing) throw new InputFileException(path, "not found");
        if (target.Kind == PathKind.LinkToNothing) throw new InputFileException(path, target.LinkToNothingProblem);
        if (target.Length == 0) throw new InputFileException(path, "is empty or not a regular file");
        if (target.Length > maxBytes) throw new InputFileException(path, $"is larger than {Size(maxBytes)} ({target.Length} bytes); a HASS file of this kind is at most that size");
        var buffer = new byte[target.Length + 1];
        int read = 0, n;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan))
            while (read < buffer.Length && (n = stream.Read(buffer, read, buffer.Length - read)) > 0) read += n;
        if (read > target.Length) throw new InputFileException(path, "grew while it was read");
        try
        {
            var text = StrictUtf8.GetString(buffer, 0, read);
            return text.Length > 0 && text[0] == '\uFEFF' ? text[1..] : text;
        }
        catch (DecoderFallbackException e)
        {
            throw new InputFileException(path, $"is not UTF-8 text (invalid byte at offset {e.Index}); save it as UTF-8");
        }
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static string Size(long bytes) => bytes % (1 << 20) == 0 ? $"{bytes >> 20} MiB" : bytes % (1 << 10) == 0 ? $"{bytes >> 10} KiB" : $"{bytes} bytes";
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
