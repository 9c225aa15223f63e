using System.CommandLine;
using System.Text.Json;

namespace Hass.Cli;

/// <summary>
/// `--pruning-settings JSON`: the pruning criterion's settings, as a campaign's <c>pruning.settings</c> (e.g.
/// <c>{"biasCorrection": true}</c> to evaluate a trial's parameters as the default campaign does). Text that is not a
/// JSON object is refused at parse time (exit 2); the criterion checks the fields when the evaluator is built.
/// </summary>
public static class PruningSettingsOption
{
    public static Option<JsonElement?> Create() => new("--pruning-settings")
    {
        Description = "The pruning criterion's settings as a JSON object, as a campaign's pruning.settings (e.g. '{\"biasCorrection\": true}', the default campaign's)",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0) return null;
            var text = result.Tokens[^1].Value;
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Object) return document.RootElement.Clone();
            }
            catch (JsonException)
            {
            }
            result.AddError($"--pruning-settings: must be a JSON object such as '{{\"biasCorrection\": true}}' (got '{text}')");
            return null;
        },
    };
}
