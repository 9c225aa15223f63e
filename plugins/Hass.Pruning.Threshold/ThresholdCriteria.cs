using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Hass.Abstractions;
using Hass.Abstractions.Configuration;
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
    [JsonExpected("\"relative\" or \"absolute\""), AllowedValues("relative", "absolute", ErrorMessage = "must be \"relative\" or \"absolute\" (got {got})")]
    public string WeightMode { get; init; } = "relative";
    /// <summary>Default: 2 (relative) or 0.05 (absolute).</summary>
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public double? WeightMax { get; init; }
    [Range(0.0, double.PositiveInfinity, MinimumIsExclusive = true)] public double ActivationMax { get; init; } = 1.0;
    [JsonExpected("\"skip\" or \"magnitude\""), AllowedValues("skip", "magnitude", ErrorMessage = "must be \"skip\" or \"magnitude\" (got {got})")]
    public string Hardswish { get; init; } = "skip";
    /// <summary>
    /// "none": zero every weight below the threshold; "filter" / "kernel": zero as many, the same number from every
    /// filter (output channel) / every kernel (filter × input channel), so the accelerator's output lanes get equal work.
    /// </summary>
    [JsonExpected("\"none\", \"filter\" or \"kernel\""), AllowedValues("none", "filter", "kernel", ErrorMessage = "must be \"none\", \"filter\" or \"kernel\" (got {got})")]
    public string WeightBalance { get; init; } = "none";
    /// <summary>Also prune Linear layers' weights.</summary>
    public bool PruneLinear { get; init; } = true;
    /// <summary>Restore each layer's mean output per channel on the calibration images after pruning (docs/models.md).</summary>
    public bool BiasCorrection { get; init; }
    /// <summary>Also restore each layer's output spread per channel by scaling its weights; implies the bias correction (docs/models.md).</summary>
    public bool ScaleCorrection { get; init; }
    /// <summary>
    /// Refit every convolution's remaining weights and bias by least squares to the unpruned layer's output on the
    /// calibration images; implies the bias correction of the Linear layers (docs/models.md).
    /// </summary>
    public bool WeightReconstruction { get; init; }

    [JsonIgnore] public bool Relative => WeightMode == "relative";
    [JsonIgnore] public WeightBalance Balance => WeightBalance switch { "filter" => Hass.Torch.Pruning.WeightBalance.Filter, "kernel" => Hass.Torch.Pruning.WeightBalance.Kernel, _ => Hass.Torch.Pruning.WeightBalance.None };
    [JsonIgnore] public double EffectiveWeightMax => WeightMax ?? (Relative ? 2.0 : 0.05);

    /// <summary>Reads the settings (<see cref="ConfigJson.ReadSettings{T}"/>); throws one <see cref="ArgumentException"/> listing every problem.</summary>
    public static ThresholdSettings Parse(JsonElement json, string criterion)
    {
        var problems = new List<SettingProblem>();
        var settings = ConfigJson.ReadSettings<ThresholdSettings>(json, problems);
        if (problems.Count > 0)
            throw new ArgumentException($"pruning settings of '{criterion}': " + string.Join("; ", problems));
        return settings;
    }

    /// <summary>Every problem of the settings (keys relative to the settings object); empty when valid.</summary>
    public static IReadOnlyList<SettingProblem> Validate(JsonElement json)
    {
        var problems = new List<SettingProblem>();
        ConfigJson.ReadSettings<ThresholdSettings>(json, problems);
        return problems;
    }

    public string Key() => string.Create(CultureInfo.InvariantCulture,
        $"mode={WeightMode};wmax={EffectiveWeightMax:R};amax={ActivationMax:R};hardswish={Hardswish};linear={PruneLinear}")
        + (BiasCorrection ? ";bias-correction" : "")   // left out when off, so campaigns made before it keep their fingerprint
        + (ScaleCorrection ? ";scale-correction" : "")
        + (WeightReconstruction ? ";weight-reconstruction" : "")
        + (WeightBalance != "none" ? ";balance=" + WeightBalance : "");
}

/// <summary>
/// HASS criterion: one weight magnitude threshold per Conv/Linear layer ("w:&lt;layer&gt;") and one
/// activation threshold per ReLU/ReLU6 site ("a:&lt;layer&gt;"; thresholded ReLU, ReLU6 keeps its clip).
/// </summary>
public sealed class ThresholdCriterion : IPruningCriterion, ISettingsValidator
{
    public string Name => "threshold";
    public string Description => "HASS per-layer pruning: weight magnitude threshold per Conv/Linear (relative to std(W) or absolute) and thresholded ReLU/ReLU6 per activation site";
    public IPruningSession Attach(HassNet net, JsonElement settings) => new ThresholdSession(net, ThresholdSettings.Parse(settings, Name), perLayer: true);
    public IReadOnlyList<SettingProblem> ValidateSettings(JsonElement settings) => ThresholdSettings.Validate(settings);
}

/// <summary>The non-hardware-aware baseline: one global weight threshold "w:*" and one activation threshold "a:*".</summary>
public sealed class UniformCriterion : IPruningCriterion, ISettingsValidator
{
    public string Name => "uniform";
    public string Description => "Uniform pruning: one global weight threshold (w:*) and one global activation threshold (a:*) for every layer";
    public IPruningSession Attach(HassNet net, JsonElement settings) => new ThresholdSession(net, ThresholdSettings.Parse(settings, Name), perLayer: false);
    public IReadOnlyList<SettingProblem> ValidateSettings(JsonElement settings) => ThresholdSettings.Validate(settings);
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
    public bool CorrectsBias => _settings.BiasCorrection || _settings.ScaleCorrection || _settings.WeightReconstruction;
    public bool CorrectsScale => _settings.ScaleCorrection;
    public bool ReconstructsWeights => _settings.WeightReconstruction;

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
                edits.PruneWeights(layer, _settings.Relative ? value * _std[layer.Name] : value, _settings.Balance);
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
