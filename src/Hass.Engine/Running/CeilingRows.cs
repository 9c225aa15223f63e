using System.Globalization;
using Hass.Abstractions;
using Hass.Engine.Campaigns;
using Hass.Engine.Running.Pipeline;
using Hass.Engine.Storage;

namespace Hass.Engine.Running;

/// <summary>
/// The two ceilings of the final table (docs/search.md "The ceilings"), designs that are reported, never picked:
/// <list type="bullet">
/// <item><see cref="SensitivityLabel"/>: the sensitivity strategy's ceiling point (every layer at the largest threshold
/// it tolerated alone), evaluated without the early stop and put through the DSE whatever its accuracy;</item>
/// <item><see cref="MaxSparsityLabel"/>: the DSE with every conv layer at the largest sparsity any completed trial of the
/// campaign measured for it (accuracy ignored), or the fastest completed trial when that is faster (the DSE is a
/// heuristic, not monotone in sparsity): what the sparsity seen can buy at most on this board.</item>
/// </list>
/// Each row's <see cref="FinalRow.Note"/> says which resource binds the design and which layer is its bottleneck.
/// </summary>
public static class CeilingRows
{
    public const string SensitivityLabel = "ceiling: sensitivity";
    public const string MaxSparsityLabel = "ceiling: max sparsity";
    public const string SensitivityOrigin = "sensitivity:ceiling";

    public static IEnumerable<FinalRow> Build(CampaignSpec spec, HassStore store, ITrialEvaluator evaluator, IAcceleratorBackend backend, BoardSpec board,
                                              double denseThroughput, CancellationToken ct)
    {
        var options = spec.TrialDesignOptions;
        var trials = store.Trials(spec.Name);
        if (trials.FirstOrDefault(t => t.Origin == SensitivityOrigin) is { } ceiling)
        {
            var eval = evaluator.Evaluate(ceiling.Parameters, new EvaluationRequest { Split = "search", Profile = true }, ct);
            if (eval.Profile is { } profile)
                yield return Row(SensitivityLabel, ceiling.Number, eval.Top1, backend.Optimize(evaluator.Graph, profile, board, options, ct), board, denseThroughput);
        }
        var request = new EvaluationRequest
        {
            Split = "search", Profile = true,
            EarlyStopDrop = spec.EarlyStop.Enabled ? spec.EarlyStop.DropFactor * spec.Objective.ToleranceTop1 : double.NaN,
        };
        if (MaxSparsityProfile(store, evaluator, trials, request) is not { } max) yield break;
        var combined = backend.Optimize(evaluator.Graph, max, board, options, ct);
        var fastest = trials.Where(t => t.State == TrialState.Complete && t.Design is not null).MaxBy(Objective.Throughput);
        yield return fastest is not null && Objective.Throughput(fastest) > combined.Performance.ThroughputImagesPerSecond
            ? Row(MaxSparsityLabel, fastest.Number, fastest.Accuracy ?? double.NaN, fastest.Design!, board, denseThroughput)
            : Row(MaxSparsityLabel, null, double.NaN, combined, board, denseThroughput);
    }

    /// <summary>Per conv layer, the sparsest profile any completed trial measured (from the evaluation cache).</summary>
    public static SparsityProfile? MaxSparsityProfile(HassStore store, ITrialEvaluator evaluator, IEnumerable<TrialRecord> trials, EvaluationRequest request)
    {
        var best = new Dictionary<string, LayerSparsity>();
        SparsityProfile? any = null;
        var cached = trials.Where(t => t.State == TrialState.Complete)
            .Select(t => store.GetEvaluation(CachedEvaluateStage.Key(evaluator.Fingerprint, t.Parameters, request))?.Profile);
        foreach (var profile in cached.OfType<SparsityProfile>())
        {
            any ??= profile;
            foreach (var layer in profile.Layers)
                if (!best.TryGetValue(layer.Layer, out var held) || layer.EffectiveSparsity > held.EffectiveSparsity) best[layer.Layer] = layer;
        }
        return any is null ? null : any with { Layers = any.Layers.Select(l => best[l.Layer]).ToList() };
    }

    private static FinalRow Row(string label, int? trial, double searchTop1, HardwareDesign design, BoardSpec board, double denseThroughput)
    {
        var throughput = design.Performance.ThroughputImagesPerSecond;
        return new FinalRow
        {
            Label = label, Trial = trial, SearchTop1 = searchTop1, TestTop1 = double.NaN, Throughput = throughput, ThroughputFidelity = Fidelity.Analytical,
            // A bound, not a pruned model of the search: its sparsities are not one trial's (printed as "-").
            WeightSparsity = double.NaN, ActivationSparsity = double.NaN, EffectiveSparsity = double.NaN,
            Dsp = design.Resources.Dsp, GopsPerDsp = design.Performance.GopPerSecondPerDsp, Backend = design.Backend,
            SpeedupOverDense = throughput / denseThroughput, Note = Binding(design, board),
        };
    }

    /// <summary>"LUT 99.1% (52,710/53,200), DSP 55.5% (122/220), BRAM18 40.0% (112/280); bottleneck conv3".</summary>
    public static string Binding(HardwareDesign design, BoardSpec board)
    {
        var text = string.Join(", ", BoardUtilisation.Of(design.Resources, board).Select(u => string.Create(CultureInfo.InvariantCulture, $"{u.Name} {100 * u.Used / u.Available:F1}% ({u.Used:N0}/{u.Available:N0})")));
        return $"{text}; bottleneck {design.Performance.BottleneckLayer}";
    }
}
