using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Hass.Abstractions.Configuration;

/// <summary>
/// The first pass of <see cref="ConfigJson.Read{T}"/>: walks the JSON against the record's System.Text.Json contract
/// and collects every unknown member (with a "did you mean" hint), missing required member, value of the wrong
/// type and value a validation attribute refuses, instead of stopping at the first like the deserializer does.
/// </summary>
internal sealed class ConfigShapeCheck(JsonSerializerOptions options, IReadOnlySet<string> suppliedElsewhere)
{
    private static readonly ConcurrentDictionary<JsonConverter, JsonSerializerOptions> WithConverter = new();

    public List<string> Problems { get; } = [];

    /// <summary>Checks <paramref name="value"/> as the type <paramref name="type"/> of member <paramref name="member"/> (null at the top level).</summary>
    public void Value(JsonElement value, JsonTypeInfo type, JsonPropertyInfo? member, string path)
    {
        var converter = member?.CustomConverter;
        if (converter is IShorthandConverter shorthand)
        {
            if (shorthand.Accepts(value.ValueKind) && Find(type, shorthand.Member) is { } target)
            {
                Value(value, TypeOf(target), target, path);
                return;
            }
            if (value.ValueKind != JsonValueKind.Object && !(value.ValueKind == JsonValueKind.Null && CanBeNull(member!)))
            {
                Problems.Add($"{ConfigJson.Where(path)}: must be {shorthand.Expected} (got {ConfigText.Describe(value)})");
                return;
            }
        }
        if (value.ValueKind == JsonValueKind.Null)
        {
            if (member is not null && !CanBeNull(member)) Problems.Add($"{ConfigJson.Where(path)}: must be {ConfigText.Expected(member, type)} (got null)");
            return;
        }
        if (type.Kind == JsonTypeInfoKind.Object && value.ValueKind == JsonValueKind.Object && converter is null or IShorthandConverter)
        {
            Members(value, type, path);
            return;
        }
        Leaf(value, type, member, path);
    }

    private void Members(JsonElement value, JsonTypeInfo type, string path)
    {
        var members = type.Properties.Where(p => p.Set is not null).ToList();
        var given = new HashSet<JsonPropertyInfo>();
        foreach (var item in value.EnumerateObject())
        {
            if (!ConfigText.TryName(item, out var name))
            {
                Problems.Add($"{ConfigJson.Where(path)}: a field name is not valid Unicode text (it contains a lone UTF-16 surrogate such as \\ud800)");
                continue;
            }
            var child = ConfigJson.Join(path, name);
            var member = Find(type, name);
            if (member is null)
            {
                Problems.Add($"{child}: {ConfigText.Unknown(name, members.Select(m => m.Name).ToList())}");
                continue;
            }
            given.Add(member);
            Value(item.Value, TypeOf(member), member, child);
        }
        foreach (var member in members)
        {
            var child = ConfigJson.Join(path, member.Name);
            if (!given.Contains(member) && IsRequired(member) && !suppliedElsewhere.Contains(child))
                Problems.Add($"{child}: is required");
        }
    }

    private void Leaf(JsonElement value, JsonTypeInfo type, JsonPropertyInfo? member, string path)
    {
        object? leaf;
        try
        {
            var read = member?.CustomConverter is { } converter ? WithConverter.GetOrAdd(converter, With) : options;
            leaf = value.Deserialize(member?.PropertyType ?? type.Type, read);
            // The parser reads 1e999 as infinity; no HASS setting means that.
            if (leaf is double d && double.IsInfinity(d)) throw new JsonException("not a finite number");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NotSupportedException or ArgumentException)
        {
            Problems.Add($"{ConfigJson.Where(path)}: must be {ConfigText.Expected(member, type)} (got {ConfigText.Describe(value)})");
            return;
        }
        if (member is null) return;
        foreach (var problem in ConfigRules.Check(member, leaf, ConfigText.Describe(value)))
            Problems.Add($"{ConfigJson.Where(path)}: {problem}");
    }

    private JsonSerializerOptions With(JsonConverter converter)
    {
        var copy = new JsonSerializerOptions(options);
        copy.Converters.Add(converter);
        copy.MakeReadOnly();
        return copy;
    }

    private JsonTypeInfo TypeOf(JsonPropertyInfo member) =>
        options.GetTypeInfo(Nullable.GetUnderlyingType(member.PropertyType) ?? member.PropertyType);

    private static JsonPropertyInfo? Find(JsonTypeInfo type, string name) =>
        type.Kind != JsonTypeInfoKind.Object ? null
            : type.Properties.FirstOrDefault(p => p.Set is not null && string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    private static bool CanBeNull(JsonPropertyInfo member) =>
        member.PropertyType == typeof(JsonElement) || Nullable.GetUnderlyingType(member.PropertyType) is not null
        || (!member.PropertyType.IsValueType && member.IsSetNullable);

    internal static bool IsRequired(JsonPropertyInfo member) =>
        member.IsRequired || member.AttributeProvider?.IsDefined(typeof(RequiredAttribute), true) == true;
}
