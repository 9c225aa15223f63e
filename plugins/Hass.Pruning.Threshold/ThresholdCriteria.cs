using System.Globalization;
using System.Text.Json;
using Hass.Abstractions;
using Hass.Torch.Models;
using Hass.Torch.Pruning;

namespace Hass.Pruning.Threshold;

/// <summary>
/// Settings of both criteria (the campaign's pruningSettings object; every field optional).
/// weightMode "relative": t_l = α_l · std(W_l), α ∈ [0, weightMax] (default 2); "absolute": t_l ∈ [0, weightMax]
/// (default 0.05) in weight units. Activation thresholds u ∈ [0, activationMax] (default 1.0).
/// hardswish "skip" (default): hardswish outputs are not thresholded (they are negative on (−3, 0) and the
/// HASS ReLU rule does not apply); "magnitude": y = hs(x) if |hs(x)| &gt; u else 0.
/// </summary>
public sealed record ThresholdSettings
{
    public string WeightMode { get; init; } = "relative";
    public double? WeightMax { get; init; }
    public double ActivationMax { get; init; } = 1.0;
    public string Hardswish { get; init; } = "skip";
    /// <summary>Also prune Linear layers' weights.</summary>
    public bool PruneLinear { get; init; } = true;

    public bool Relative => WeightMode == "relative";
    public double EffectiveWeightMax => WeightMax ?? (Relative ? 2.0 : 0.05);

    public static ThresholdSettings Parse(JsonElement json, string criterion)
    {
        ThresholdSettings settings;
        if (json.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null) settings = new ThresholdSettings();
        else if (json.ValueKind != JsonValueKind.Object)
            throw new ArgumentException($"pruning settings of '{criterion}' must be a JSON object, got {json.ValueKind}");
        else
        {
            var known = new[] { "weightMode", "weightMax", "activationMax", "hardswish", "pruneLinear" };
            foreach (var p in json.EnumerateObject())
                if (!known.Contains(p.Name, StringComparer.OrdinalIgnoreCase))
                    throw new ArgumentException($"pruning settings of '{criterion}': unknown field '{p.Name}' (known: {string.Join(", ", known)})");
            try { settings = json.Deserialize<ThresholdSettings>(HassJson.Options)!; }
            catch (JsonException e) { throw new ArgumentException($"pruning settings of '{criterion}' are malformed: {e.Message}", e); }
        }
        if (settings.WeightMode is not ("relative" or "absolute"))
            throw new ArgumentException($"pruning settings of '{criterion}': weightMode must be \"relative\" or \"absolute\", got \"{settings.WeightMode}\"");
        if (settings.Hardswish is not ("skip" or "magnitude"))
            throw new ArgumentException($"pruning settings of '{criterion}': hardswish must be \"skip\" or \"magnitude\", got \"{settings.Hardswish}\"");
        if (!(settings.EffectiveWeightMax > 0) || double.IsInfinity(settings.EffectiveWeightMax))
            throw new ArgumentException($"pruning settings of '{criterion}': weightMax must be a positive number, got {settings.EffectiveWeightMax}");
        if (!(settings.ActivationMax > 0) || double.IsInfinity(settings.ActivationMax))
            throw new ArgumentException($"pruning settings of '{criterion}': activationMax must be a positive number, got {settings.ActivationMax}");
        return settings;
    }

    public string Key() => string.Create(CultureInfo.InvariantCulture,
        $"mode={WeightMode};wmax={EffectiveWeightMax:R};amax={ActivationMax:R};hardswish={Hardswish};linear={PruneLinear}");
}

/// <summary>
/// HASS criterion: one weight magnitude threshold per Conv/Linear layer ("w:&lt;layer&gt;") and one
/// activation threshold per ReLU/ReLU6 site ("a:&lt;layer&gt;"; thresholded ReLU, ReLU6 keeps its clip).
/// </summary>
public sealed class ThresholdCriterion : IPruningCriterion
{
    public string Name => "threshold";
    public string Description => "HASS per-layer pruning: weight magnitude threshold per Conv/Linear (relative to std(W) or absolute) and thresholded ReLU/ReLU6 per activation site";
    public IPruningSession Attach(HassNet net, JsonElement settings) => new ThresholdSession(net, ThresholdSettings.Parse(settings, Name), perLayer: true);
}

/// <summary>The non-hardware-aware baseline: one global weight threshold "w:*" and one activation threshold "a:*".</summary>
public sealed class UniformCriterion : IPruningCriterion
{
    public string Name => "uniform";
    public string Description => "Uniform pruning: one global weight threshold (w:*) and one global activation threshold (a:*) for every layer";
    public IPruningSession Attach(HassNet net, JsonElement settings) => new ThresholdSession(net, ThresholdSettings.Parse(settings, Name), perLayer: false);
}

internal sealed class ThresholdSession : IPruningSession
{
    public const string AllWeights = "w:*", AllActivations = "a:*";

    private readonly ThresholdSettings _settings;
    private readonly bool _perLayer;
    private readonly List<NetNode> _weightLayers;
    private readonly List<NetNode> _sites;
    private readonly Dictionary<string, double> _std;
    private PruningEdits? _live;

    public ThresholdSession(HassNet net, ThresholdSettings settings, bool perLayer)
    {
        _settings = settings;
        _perLayer = perLayer;
        _weightLayers = net.WeightNodes.Where(n => n.Op == NodeOp.Conv || settings.PruneLinear).ToList();
        _sites = net.ActivationNodes.Where(n => n.Activation is ActivationKind.ReLU or ActivationKind.ReLU6
            || (n.Activation == ActivationKind.Hardswish && settings.Hardswish == "magnitude")).ToList();
        _std = settings.Relative ? _weightLayers.ToDictionary(n => n.Name, PruningEdits.WeightStd) : [];
        var weightText = settings.Relative ? "weight threshold as a multiple of std(W)" : "absolute weight magnitude threshold";
        SearchDimension W(string name, string what) => new()
        {
            Name = name, Low = 0, High = settings.EffectiveWeightMax, Default = 0, Description = $"{weightText} of {what}",
        };
        SearchDimension A(string name, string what) => new()
        {
            Name = name, Low = 0, High = settings.ActivationMax, Default = 0, Description = $"activation threshold of {what}",
        };
        SearchSpace = new SearchSpace(perLayer
            ? [.. _weightLayers.Select(n => W("w:" + n.Name, n.Name)), .. _sites.Select(n => A("a:" + n.Name, $"{n.Name} ({n.Activation})"))]
            : [W(AllWeights, "every Conv/Linear layer"), A(AllActivations, "every activation site")]);
        SettingsKey = (perLayer ? "per-layer;" : "uniform;") + settings.Key();
    }

    public SearchSpace SearchSpace { get; }
    public string SettingsKey { get; }

    public IPruningHandle Apply(ParameterSet parameters)
    {
        if (_live is not null) throw new InvalidOperationException("a pruning is already applied to this network: dispose its handle first");
        foreach (var name in parameters.Values.Keys)
            if (!SearchSpace.Dimensions.Any(d => d.Name == name))
                throw new ArgumentException($"parameter '{name}' is not a dimension of this search space (expected names like {SearchSpace.Dimensions[0].Name})");
        var edits = new PruningEdits();
        try
        {
            foreach (var layer in _weightLayers)
            {
                var value = PruningEdits.Value(parameters, SearchSpace[_perLayer ? "w:" + layer.Name : AllWeights]);
                edits.PruneWeights(layer, _settings.Relative ? value * _std[layer.Name] : value);
            }
            foreach (var site in _sites)
                edits.SetActivationThreshold(site, PruningEdits.Value(parameters, SearchSpace[_perLayer ? "a:" + site.Name : AllActivations]));
        }
        catch
        {
            edits.Revert();
            throw;
        }
        _live = edits;
        return new SessionHandle(this, edits);
    }

    private sealed class SessionHandle(ThresholdSession session, PruningEdits edits) : IPruningHandle
    {
        public IReadOnlyDictionary<string, double> WeightThresholds => edits.WeightThresholds;
        public IReadOnlyDictionary<string, double> ActivationThresholds => edits.ActivationThresholds;
        public void Revert()
        {
            edits.Revert();
            if (ReferenceEquals(session._live, edits)) session._live = null;
        }
        public void Dispose() => Revert();
    }
}

/// <summary>Plugin entry: registers "threshold" and "uniform".</summary>
public sealed class ThresholdPruningPlugin : IHassPlugin
{
    public void ConfigureServices(Microsoft.Extensions.DependencyInjection.IServiceCollection services)
    {
        services.AddHassComponent<IPruningCriterion>(ComponentKind.Pruning, new ThresholdCriterion());
        services.AddHassComponent<IPruningCriterion>(ComponentKind.Pruning, new UniformCriterion());
    }
}
