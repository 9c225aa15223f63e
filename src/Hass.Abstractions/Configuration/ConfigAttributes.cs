using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Hass.Abstractions.Configuration;

/// <summary>What a member accepts, in words, for a wrong-type message ("must be {Text} (got …)").</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class JsonExpectedAttribute(string text) : Attribute
{
    public string Text { get; } = text;
}

/// <summary>A converter that can say what it accepts, for a wrong-type message.</summary>
public interface IExpectedText
{
    string Expected { get; }
}

/// <summary>A <see cref="RangeAttribute"/> for a double whose NaN means "not set" (e.g. ramAllocation: same as resourceAllocation).</summary>
public sealed class RangeOrUnsetAttribute(double minimum, double maximum) : RangeAttribute(minimum, maximum)
{
    public override bool IsValid(object? value) => value is double.NaN || base.IsValid(value);
}

/// <summary>A JSON value that must be an object (component settings).</summary>
public sealed class JsonObjectValueAttribute : ValidationAttribute
{
    public JsonObjectValueAttribute() => ErrorMessage = "must be an object (got {got})";
    public override bool IsValid(object? value) => value is not JsonElement e || e.ValueKind is JsonValueKind.Object or JsonValueKind.Undefined;
}

/// <summary>A duration in (0, <see cref="MaxDays"/> days].</summary>
public sealed class DurationRangeAttribute(int maxDays) : ValidationAttribute
{
    public int MaxDays { get; } = maxDays;
    public override bool IsValid(object? value) => value is not TimeSpan t || (t > TimeSpan.Zero && t <= TimeSpan.FromDays(MaxDays));
    public override string FormatErrorMessage(string name) => $"must be more than 0 s and at most {MaxDays} days";
}

/// <summary>
/// A duration as seconds (a number) or text: "90", "90s", "15m", "2h" or "hh:mm:ss". Written as "hh:mm:ss"
/// (System.Text.Json's own TimeSpan format), so records written by older builds read back unchanged.
/// </summary>
public sealed class DurationConverter : JsonConverter<TimeSpan>, IExpectedText
{
    public string Expected => "seconds, \"hh:mm:ss\" or like \"15m\"";

    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        double? seconds = reader.TokenType switch
        {
            JsonTokenType.Number when reader.TryGetDouble(out var s) && double.IsFinite(s) => s,
            JsonTokenType.String => Seconds(reader.GetString()!),
            _ => null,
        };
        if (seconds is not { } value) throw new JsonException($"must be {Expected}");
        // Beyond what TimeSpan holds: the largest one, which every range refuses.
        if (Math.Abs(value) >= TimeSpan.MaxValue.TotalSeconds / 2) return value > 0 ? TimeSpan.MaxValue : TimeSpan.MinValue;
        return TimeSpan.FromSeconds(value);
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("c", CultureInfo.InvariantCulture));

    /// <summary>A duration in any range TimeSpan holds, or null when the text is not one (or is too large); for command-line options.</summary>
    public static TimeSpan? Parse(string text) =>
        Seconds(text) is { } s && Math.Abs(s) < TimeSpan.MaxValue.TotalSeconds / 2 ? TimeSpan.FromSeconds(s) : null;

    /// <summary>Seconds of "90", "90s", "15m", "2h" or "hh:mm:ss"; null when not a finite duration.</summary>
    private static double? Seconds(string text)
    {
        text = text.Trim();
        double? seconds = null;
        if (text.Length > 1 && "smh".Contains(char.ToLowerInvariant(text[^1]))
            && double.TryParse(text[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n))
            seconds = n * char.ToLowerInvariant(text[^1]) switch { 's' => 1, 'm' => 60, _ => 3600 };
        else if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var secs)) seconds = secs;
        else if (TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var ts)) seconds = ts.TotalSeconds;
        return seconds is { } v && double.IsFinite(v) ? v : null;
    }
}

/// <summary>A member whose short form (a string or a boolean) stands for an object with one member set.</summary>
public interface IShorthandConverter : IExpectedText
{
    /// <summary>The JSON name of the member the short form sets ("name", "enabled").</summary>
    string Member { get; }
    bool Accepts(JsonValueKind kind);
}

/// <summary>
/// Put on a property (not a type): an object reads with the type's own contract, a short form through
/// <see cref="FromShorthand"/>; written always as the object.
/// </summary>
public abstract class ShorthandConverter<T>(string member, string expected, params JsonValueKind[] kinds) : JsonConverter<T>, IShorthandConverter
    where T : class
{
    public string Member { get; } = member;
    public string Expected { get; } = expected;
    public bool Accepts(JsonValueKind kind) => kinds.Contains(kind);

    protected abstract T FromShorthand(JsonElement value);

    public override T? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.StartObject) return JsonSerializer.Deserialize<T>(ref reader, options);
        var value = JsonElement.ParseValue(ref reader);
        return Accepts(value.ValueKind) ? FromShorthand(value) : throw new JsonException($"must be {Expected}");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => JsonSerializer.Serialize(writer, value, options);
}

/// <summary>A whole number that is a multiple of <see cref="Factor"/>.</summary>
public sealed class MultipleOfAttribute(int factor) : ValidationAttribute
{
    public int Factor { get; } = factor;
    public override bool IsValid(object? value) => value is not int n || n % Factor == 0;
    public override string FormatErrorMessage(string name) => $"must be a multiple of {Factor}";
}
