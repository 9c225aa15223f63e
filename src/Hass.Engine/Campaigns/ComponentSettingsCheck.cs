using Hass.Abstractions;
using Hass.Engine.Plugins;

namespace Hass.Engine.Campaigns;

/// <summary>
/// Asks the campaign's components to check their own settings when the campaign is loaded, before anything is
/// stored: the strategy and the pruning criterion (<see cref="ISettingsValidator"/>), the backend when it
/// validates its settings too, and the evaluator factory (<see cref="ITrialEvaluatorFactory.Validate"/>).
/// Every problem comes back with its campaign JSON path, e.g. "$.strategy.settings.gamma: …".
/// </summary>
internal static class ComponentSettingsCheck
{
    /// <summary>Where the evaluator spec's fields come from in a campaign file.</summary>
    private static readonly Dictionary<string, string> EvaluatorFieldPaths = new(StringComparer.OrdinalIgnoreCase)
    {
        ["model"] = "$.model", ["checkpoint"] = "$.checkpoint", ["dataset"] = "$.dataset.name", ["datasetPath"] = "$.dataset.path",
        ["searchImages"] = "$.dataset.searchImages", ["calibrationImages"] = "$.dataset.calibrationImages", ["testImages"] = "$.dataset.testImages", ["confirmImages"] = "$.dataset.confirmImages", ["searchOnTestSet"] = "$.dataset.searchOnTestSet",
        ["pruning"] = "$.pruning.name", ["pruningSettings"] = "$.pruning.settings", ["seed"] = "$.seed",
    };

    public static void Check(CampaignSpec spec, HassComponents components, List<string> errors)
    {
        Settings(components.Find(ComponentKind.Search, spec.Strategy.Name), "$.strategy.settings", spec.Strategy.Settings, errors);
        Settings(components.Find(ComponentKind.Pruning, spec.Pruning.Name), "$.pruning.settings", spec.Pruning.Settings, errors);
        if (components.FindEvaluatorFactory(spec.Model, spec.Evaluator) is not { } factory) return;
        foreach (var p in factory.Validate(spec.ToEvaluatorSpec()))
            errors.Add($"{EvaluatorPath(p.Key)}: {p.Message}");
        if (spec.Dataset.SearchOnTestSet && !factory.CanSearchOnTestSet)
            errors.Add($"{EvaluatorPath("searchOnTestSet")}: the evaluator '{factory.Name}' of model '{spec.Model}' cannot search on the test set; leave the setting out");
    }

    private static void Settings(object? component, string path, System.Text.Json.JsonElement settings, List<string> errors)
    {
        if (component is not ISettingsValidator validator) return;
        foreach (var p in validator.ValidateSettings(settings))
            errors.Add(p.Key.Length == 0 ? $"{path}: {p.Message}" : $"{path}.{p.Key}: {p.Message}");
    }

    private static string EvaluatorPath(string key)
    {
        var head = key.Split('.', 2);
        if (!EvaluatorFieldPaths.TryGetValue(head[0], out var path)) return "$." + key;
        return head.Length == 1 ? path : path + "." + head[1];
    }
}
