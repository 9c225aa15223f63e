using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;

namespace Hass.Engine.Campaigns;

/// <summary>"pruning": "threshold" stands for { "name": "threshold" } (also strategy).</summary>
public sealed class ComponentShorthand() : ShorthandConverter<ComponentChoice>("name", "a name or an object with name and settings", JsonValueKind.String)
{
    protected override ComponentChoice FromShorthand(JsonElement value) => new() { Name = value.GetString()! };
}

/// <summary>"backend": "dataflow-sparse" stands for { "name": "dataflow-sparse" }.</summary>
public sealed class BackendShorthand() : ShorthandConverter<BackendChoice>("name", "a name or an object with name and options", JsonValueKind.String)
{
    protected override BackendChoice FromShorthand(JsonElement value) => new() { Name = value.GetString()! };
}

/// <summary>"dataset": "fashion-mnist" stands for { "name": "fashion-mnist" }.</summary>
public sealed class DatasetShorthand() : ShorthandConverter<DatasetSpec>("name", "a name or an object", JsonValueKind.String)
{
    protected override DatasetSpec FromShorthand(JsonElement value) => new() { Name = value.GetString()! };
}

/// <summary>"earlyStop": false stands for { "enabled": false }.</summary>
public sealed class EarlyStopShorthand() : ShorthandConverter<EarlyStopSpec>("enabled", "true, false or an object", JsonValueKind.True, JsonValueKind.False)
{
    protected override EarlyStopSpec FromShorthand(JsonElement value) => new() { Enabled = value.GetBoolean() };
}

/// <summary>
/// Reads throughput, gops-per-dsp, latency, multi (any case); writes the camel-case enum name ("gopsPerDsp"), as
/// the campaign identity of stored campaigns has it.
/// </summary>
public sealed class MetricConverter : JsonConverter<ObjectiveMetric>, IExpectedText
{
    public string Expected => "one of throughput, gops-per-dsp, latency or multi";

    public override ObjectiveMetric Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && CampaignLoader.TryParseMetric(reader.GetString()!, out var metric) ? metric
            : throw new JsonException($"must be {Expected}");

    public override void Write(Utf8JsonWriter writer, ObjectiveMetric value, JsonSerializerOptions options) =>
        writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
}

/// <summary>Reads maximize/maximise/max and minimize/minimise/min (any case); writes "maximize"/"minimize".</summary>
public sealed class DirectionConverter : JsonConverter<ObjectiveDirection>, IExpectedText
{
    public string Expected => "maximize or minimize";

    public override ObjectiveDirection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        (reader.TokenType == JsonTokenType.String ? reader.GetString()!.ToLowerInvariant() : null) switch
        {
            "maximize" or "maximise" or "max" => ObjectiveDirection.Maximize,
            "minimize" or "minimise" or "min" => ObjectiveDirection.Minimize,
            _ => throw new JsonException($"must be {Expected}"),
        };

    public override void Write(Utf8JsonWriter writer, ObjectiveDirection value, JsonSerializerOptions options) =>
        writer.WriteStringValue(JsonNamingPolicy.CamelCase.ConvertName(value.ToString()));
}
