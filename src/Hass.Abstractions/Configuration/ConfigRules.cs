using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Hass.Abstractions.Configuration;

/// <summary>
/// The second pass of <see cref="ConfigJson.Read{T}"/> and all of <see cref="ConfigJson.Validate"/>: the
/// DataAnnotations rules of a record tree (attributes on members, <see cref="IValidatableObject"/> for rules
/// across members), each problem prefixed with the member's JSON path.
/// </summary>
internal sealed class ConfigRuleCheck(JsonSerializerOptions options)
{
    public IReadOnlyList<string> Check(object record, string path)
    {
        var problems = new List<string>();
        Walk(record, path, problems);
        return problems;
    }

    private void Walk(object record, string path, List<string> problems)
    {
        var info = options.GetTypeInfo(record.GetType());
        if (info.Kind != JsonTypeInfoKind.Object) return;
        foreach (var member in info.Properties)
        {
            if (member.Get is null) continue;
            var value = member.Get(record);
            var child = ConfigJson.Join(path, member.Name);
            foreach (var problem in ConfigRules.Check(member, value, ConfigText.Show(value)))
                problems.Add($"{child}: {problem}");
            if (value is not null && !value.GetType().IsValueType && value is not string
                && options.GetTypeInfo(value.GetType()).Kind == JsonTypeInfoKind.Object)
                Walk(value, child, problems);
        }
        if (record is not IValidatableObject validatable) return;
        foreach (var result in validatable.Validate(new ValidationContext(record)))
        {
            var name = result.MemberNames.FirstOrDefault();
            var member = name is null ? null : info.Properties.FirstOrDefault(p => (p.AttributeProvider as System.Reflection.MemberInfo)?.Name == name);
            var where = member is null ? ConfigJson.Where(path) : ConfigJson.Join(path, member.Name);
            problems.Add($"{where}: {result.ErrorMessage}");
        }
    }
}

/// <summary>Messages of the validation attributes on one member, in the HASS wording ("must be in [1, 1000] (got 0)").</summary>
internal static class ConfigRules
{
    public static IEnumerable<string> Check(JsonPropertyInfo member, object? value, string shown)
    {
        if (member.AttributeProvider is null) yield break;
        foreach (var rule in member.AttributeProvider.GetCustomAttributes(typeof(ValidationAttribute), true).Cast<ValidationAttribute>())
        {
            if (rule is RequiredAttribute)
            {
                if (value is null) yield return "is required";
                else if (value is string s && string.IsNullOrWhiteSpace(s)) yield return "must not be empty";
                continue;
            }
            if (value is null || rule.IsValid(value)) continue;
            yield return Message(rule, value, shown);
        }
    }

    private static string Message(ValidationAttribute rule, object value, string shown)
    {
        if (rule.ErrorMessage is { } text)
            return text.Replace("{value}", ConfigText.Printable(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""), StringComparison.Ordinal)
                       .Replace("{got}", shown, StringComparison.Ordinal);
        return rule switch
        {
            RangeAttribute r => $"must be {RangeText(r)} (got {shown})",
            AllowedValuesAttribute a => $"must be one of {string.Join(", ", a.Values.Select(v => ConfigJson.Format(v)))} (got {shown})",
            _ => $"{rule.FormatErrorMessage("value")} (got {shown})",
        };
    }

    /// <summary>"in [1, 1000]", "in (0, 1]"; a range without an upper bound (∞ or double.MaxValue) as "at least 0" / "more than 0".</summary>
    public static string RangeText(RangeAttribute r)
    {
        if (r.Maximum is double.PositiveInfinity or double.MaxValue)
            return $"{(r.MinimumIsExclusive ? "more than" : "at least")} {ConfigJson.Format(r.Minimum)}";
        return $"in {(r.MinimumIsExclusive ? "(" : "[")}{ConfigJson.Format(r.Minimum)}, {ConfigJson.Format(r.Maximum)}{(r.MaximumIsExclusive ? ")" : "]")}";
    }
}
